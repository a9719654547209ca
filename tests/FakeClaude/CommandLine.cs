namespace FakeClaude;

/// <summary>Thrown for a command line the real claude rejects; the message is its stderr text (exit 1).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The flags of <c>claude -p</c> that the fake accepts (docs/claude-cli.md, "Flags").</summary>
internal sealed class CommandLine
{
    public bool Print { get; private set; }
    public bool Version { get; private set; }
    public bool Verbose { get; private set; }
    public string OutputFormat { get; private set; } = "text";
    public string? Model { get; private set; }
    public int? MaxTurns { get; private set; }
    public decimal? MaxBudgetUsd { get; private set; }
    public string? PermissionMode { get; private set; }
    public bool DangerouslySkipPermissions { get; private set; }
    public List<string> AllowedTools { get; } = [];
    public List<string> DisallowedTools { get; } = [];
    public List<string>? Tools { get; private set; }
    public List<string> AddDirs { get; } = [];
    public string? PromptArgument { get; private set; }
    public string? SessionId { get; private set; }
    public string? Resume { get; private set; }
    public bool ForkSession { get; private set; }
    public bool NoSessionPersistence { get; private set; }

    /// <summary>The schema of <c>--json-schema</c> (inline JSON, as the real CLI takes it); null without it.</summary>
    public string? JsonSchema { get; private set; }

    /// <summary>Whether claude would refuse this as root (both spellings of "skip permissions").</summary>
    public bool SkipsPermissions => DangerouslySkipPermissions || PermissionMode == "bypassPermissions";

    private static readonly string[] Formats = ["text", "json", "stream-json"];
    private static readonly string[] PermissionModes = ["acceptEdits", "bypassPermissions", "default", "dontAsk", "plan"];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new CommandLine();
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }

            // Commander (the real CLI's parser) also takes --name=value.
            string name = arg;
            string? inline = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                inline = arg[(equals + 1)..];
            }

            string One()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"error: option '{name} <value>' argument missing");
                }

                return args[++i];
            }

            // Variadic options swallow every following word that is not an option, like commander.
            List<string> Many()
            {
                var values = new List<string>();
                if (inline is not null)
                {
                    values.Add(inline);
                }

                while (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                {
                    values.Add(args[++i]);
                }

                return values.Count > 0 ? values : throw new UsageException($"error: option '{name} <values...>' argument missing");
            }

            void NoValue()
            {
                if (inline is not null)
                {
                    throw new UsageException($"error: unknown option '{arg}'");
                }
            }

            switch (name)
            {
                case "-p" or "--print": NoValue(); line.Print = true; break;
                case "-v" or "--version": NoValue(); line.Version = true; break;
                case "--verbose": NoValue(); line.Verbose = true; break;
                case "--bare": NoValue(); break;
                case "--no-session-persistence": NoValue(); line.NoSessionPersistence = true; break;
                case "--fork-session": NoValue(); line.ForkSession = true; break;
                case "--resume" or "-r": line.Resume = One(); break;
                case "--session-id":
                    line.SessionId = One();
                    if (!Guid.TryParse(line.SessionId, out _))
                    {
                        throw new UsageException("Error: Invalid session ID. Must be a valid UUID.");
                    }

                    break;
                case "--dangerously-skip-permissions": NoValue(); line.DangerouslySkipPermissions = true; break;
                case "--output-format":
                    line.OutputFormat = One();
                    if (!Formats.Contains(line.OutputFormat))
                    {
                        throw new UsageException($"error: option '--output-format <format>' argument '{line.OutputFormat}' is invalid. Allowed choices are {string.Join(", ", Formats)}.");
                    }

                    break;
                case "--model": line.Model = One(); break;
                case "--max-turns":
                    var turns = One();
                    line.MaxTurns = int.TryParse(turns, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > 0
                        ? t
                        : throw new UsageException($"error: --max-turns must be a positive integer, not '{turns}'");
                    break;
                case "--max-budget-usd":
                    var budget = One();
                    line.MaxBudgetUsd = decimal.TryParse(budget, System.Globalization.CultureInfo.InvariantCulture, out var b) && b > 0
                        ? b
                        : throw new UsageException($"error: --max-budget-usd must be a positive number, not '{budget}'");
                    break;
                case "--permission-mode":
                    line.PermissionMode = One();
                    if (!PermissionModes.Contains(line.PermissionMode))
                    {
                        throw new UsageException($"error: option '--permission-mode <mode>' argument '{line.PermissionMode}' is invalid. Allowed choices are {string.Join(", ", PermissionModes)}.");
                    }

                    break;
                case "--append-system-prompt" or "--system-prompt" or "--settings": One(); break;
                case "--json-schema":
                    line.JsonSchema = One();
                    if (!IsJsonObject(line.JsonSchema))
                    {
                        // The real CLI's words for a path or broken JSON (docs/claude-cli.md, "Structured output").
                        throw new UsageException("Error: --json-schema is not valid JSON");
                    }

                    break;
                case "--allowedTools" or "--allowed-tools": line.AllowedTools.AddRange(Many()); break;
                case "--disallowedTools" or "--disallowed-tools": line.DisallowedTools.AddRange(Many()); break;
                case "--add-dir": line.AddDirs.AddRange(Many()); break;
                case "--tools": (line.Tools ??= []).AddRange(Many()); break;
                default: throw new UsageException($"error: unknown option '{arg}'");
            }
        }

        if (positional.Count > 1)
        {
            throw new UsageException($"error: too many arguments. Expected 1 argument but got {positional.Count}.");
        }

        line.PromptArgument = positional.FirstOrDefault();
        return line;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
