using System.Globalization;
using System.Numerics;
using System.Text;

namespace FakeClaude;

/// <summary>Thrown for a directive the fake does not understand: a bug in the test, so it fails loudly (exit 2).</summary>
internal sealed class ScriptException(string message) : Exception(message);

/// <summary>
/// What the test asked the fake to do. Directives come from <c>FAKE_CLAUDE_SCRIPT</c> (applied
/// first) and from prompt lines starting with <c>@fake </c> (applied after, so they override).
/// Syntax: whitespace-separated <c>key=value</c> or bare <c>flag</c> words; a value may be
/// double-quoted (<c>text="two words"</c>) with <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\t</c> escapes.
/// </summary>
internal sealed class Script
{
    public const string Marker = "@fake";

    public string? Text { get; private set; }
    public decimal Cost { get; private set; } = 0.0123m;
    public int? Turns { get; private set; }
    public long? InputTokens { get; private set; }
    public long? OutputTokens { get; private set; }
    public int? ApiError { get; private set; }
    public string? Subtype { get; private set; }
    public bool IsError { get; private set; }
    public bool NoResult { get; private set; }
    public int? Exit { get; private set; }
    public int SleepMs { get; private set; }
    public bool Hang { get; private set; }
    public bool IgnoreSigterm { get; private set; }
    public bool Grandchild { get; private set; }
    public bool GrandchildSetsid { get; private set; }
    public bool GrandchildEnvCleared { get; private set; }
    public bool GrandchildDaemon { get; private set; }
    public bool GrandchildDoubleFork { get; private set; }
    public double StdoutMb { get; private set; }
    public double LineMb { get; private set; }
    public string? Stderr { get; private set; }
    public string? PrintEnv { get; private set; }
    public int FailFirst { get; private set; }
    public int FailWith { get; private set; } = 529;
    public string? State { get; private set; }
    public bool RootRefusal { get; private set; }
    public bool Echo { get; private set; }
    public int Barrier { get; private set; }
    public int ServerLimit { get; private set; }
    public int ServerRetries { get; private set; } = 10;
    public int RetryMs { get; private set; } = 100;
    public string? RateLimitEvent { get; private set; }
    public string? Read { get; private set; }

    /// <summary>File changes to make in the working directory, in the order given: write, binary, delete, rename.</summary>
    public List<(string Kind, string Path, string Argument)> FileChanges { get; } = [];
    public int AllocateMb { get; private set; }
    public string? Output { get; private set; }

    private static readonly string[] Subtypes = ["success", "error_max_turns", "error_max_budget_usd", "error_during_execution", "error_max_structured_output_retries"];

    /// <summary>
    /// The directives of <c>FAKE_CLAUDE_SCRIPT</c>, known before stdin is read, so the signal behaviour they
    /// ask for can hold from the start of <c>Main</c>.
    /// </summary>
    public static Script FromEnvironment(string? environmentScript)
    {
        var script = new Script();
        if (!string.IsNullOrWhiteSpace(environmentScript))
        {
            foreach (var line in environmentScript.Split('\n'))
            {
                var body = line.Trim();
                // The variable may repeat the marker or not; both read the same.
                if (body == Marker || body.StartsWith(Marker + " ", StringComparison.Ordinal) || body.StartsWith(Marker + "\t", StringComparison.Ordinal))
                {
                    body = body[Marker.Length..];
                }

                script.Apply(body, "FAKE_CLAUDE_SCRIPT");
            }
        }

        return script;
    }

    /// <summary>Applies every <c>@fake</c> line of the prompt, over the environment's directives.</summary>
    public void ApplyPrompt(string prompt)
    {
        foreach (var line in prompt.Split('\n'))
        {
            if (IsDirectiveLine(line))
            {
                Apply(line.TrimEnd('\r')[Marker.Length..], "prompt");
            }
        }
    }

    /// <summary>Whether a prompt line is a directive line (<c>@fake</c> at the very start).</summary>
    public static bool IsDirectiveLine(string line) =>
        line.TrimEnd('\r') == Marker
        || line.StartsWith(Marker + " ", StringComparison.Ordinal)
        || line.StartsWith(Marker + "\t", StringComparison.Ordinal);

    private void Apply(string body, string source)
    {
        foreach (var (key, value) in Tokenize(body, source))
        {
            Set(key, value, source);
        }
    }

    private void Set(string key, string? value, string source)
    {
        switch (key)
        {
            case "text": Text = Required(key, value, source); break;
            case "cost": Cost = Number<decimal>(key, value, source); break;
            case "turns": Turns = Number<int>(key, value, source); break;
            case "input_tokens": InputTokens = Number<long>(key, value, source); break;
            case "output_tokens": OutputTokens = Number<long>(key, value, source); break;
            case "api_error": ApiError = Number<int>(key, value, source); break;
            case "subtype":
                Subtype = Required(key, value, source);
                if (!Subtypes.Contains(Subtype))
                {
                    throw new ScriptException($"{source}: subtype must be one of {string.Join(", ", Subtypes)}, not '{Subtype}'");
                }

                break;
            case "is_error": IsError = Flag(key, value, source); break;
            case "no_result": NoResult = Flag(key, value, source); break;
            case "exit": Exit = Number<int>(key, value, source); break;
            case "sleep": SleepMs = Number<int>(key, value, source); break;
            case "hang": Hang = Flag(key, value, source); break;
            case "ignore_sigterm": IgnoreSigterm = Flag(key, value, source); break;
            case "grandchild": Grandchild = Flag(key, value, source); break;
            case "grandchild_setsid": Grandchild = GrandchildSetsid = Flag(key, value, source); break;
            case "grandchild_env_cleared": Grandchild = GrandchildEnvCleared = Flag(key, value, source); break;
            case "grandchild_daemon": Grandchild = GrandchildEnvCleared = GrandchildDaemon = Flag(key, value, source); break;
            case "grandchild_double_fork": Grandchild = GrandchildDoubleFork = Flag(key, value, source); break;
            case "stdout_mb": StdoutMb = Number<double>(key, value, source); break;
            case "line_mb": LineMb = Number<double>(key, value, source); break;
            case "stderr": Stderr = Required(key, value, source); break;
            case "print_env": PrintEnv = Required(key, value, source); break;
            case "fail_first": FailFirst = Number<int>(key, value, source); break;
            case "fail_with": FailWith = Number<int>(key, value, source); break;
            case "state": State = Required(key, value, source); break;
            case "root_refusal": RootRefusal = Flag(key, value, source); break;
            case "echo": Echo = Flag(key, value, source); break;
            case "barrier": Barrier = Number<int>(key, value, source); break;
            case "server_limit": ServerLimit = Number<int>(key, value, source); break;
            case "server_retries": ServerRetries = Number<int>(key, value, source); break;
            case "retry_ms": RetryMs = Number<int>(key, value, source); break;
            case "rate_limit_event": RateLimitEvent = Required(key, value, source); break;
            case "read": Read = Required(key, value, source); break;
            case "write" or "rename":
                var (path, text) = Pair(key, value, source);
                FileChanges.Add((key, path, text));
                break;
            case "binary" or "delete": FileChanges.Add((key, Required(key, value, source), string.Empty)); break;
            case "allocate_mb": AllocateMb = Number<int>(key, value, source); break;
            case "output":
                Output = Required(key, value, source);
                try
                {
                    using var document = System.Text.Json.JsonDocument.Parse(Output);
                }
                catch (System.Text.Json.JsonException ex)
                {
                    throw new ScriptException($"{source}: output= is not JSON: {ex.Message}");
                }

                break;
            default: throw new ScriptException($"{source}: unknown directive '{key}'");
        }
    }

    /// <summary>With <c>read=PATH</c>: the answer is that file's text (as claude sees it, from its working directory).</summary>
    public void ReadAnswer()
    {
        if (Read is { } path)
        {
            Text = File.ReadAllText(path);
        }
    }

    /// <summary>A <c>PATH:TEXT</c> value (the text may hold more colons).</summary>
    private static (string Path, string Text) Pair(string key, string? value, string source)
    {
        var text = Required(key, value, source);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? (text[..colon], text[(colon + 1)..]) : throw new ScriptException($"{source}: {key} needs PATH:TEXT, not '{text}'");
    }

    private static T Number<T>(string key, string? value, string source)
        where T : INumberBase<T>
    {
        var text = Required(key, value, source);
        return T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new ScriptException($"{source}: {key}={text} is not a valid {typeof(T).Name.ToLowerInvariant()}");
    }

    private static string Required(string key, string? value, string source) =>
        value ?? throw new ScriptException($"{source}: {key} needs a value ({key}=...)");

    private static bool Flag(string key, string? value, string source) =>
        value is null ? true : throw new ScriptException($"{source}: {key} is a flag and takes no value");

    /// <summary>Splits <c>a=1 b="x y" c</c> into (a,1), (b,x y), (c,null).</summary>
    private static IEnumerable<(string Key, string? Value)> Tokenize(string body, string source)
    {
        var i = 0;
        while (true)
        {
            while (i < body.Length && char.IsWhiteSpace(body[i]))
            {
                i++;
            }

            if (i >= body.Length)
            {
                yield break;
            }

            var keyStart = i;
            while (i < body.Length && !char.IsWhiteSpace(body[i]) && body[i] != '=')
            {
                i++;
            }

            var key = body[keyStart..i];
            if (key.Length == 0)
            {
                throw new ScriptException($"{source}: '=' without a key in '{body.Trim()}'");
            }

            if (i >= body.Length || body[i] != '=')
            {
                yield return (key, null);
                continue;
            }

            i++; // '='
            var value = new StringBuilder();
            if (i < body.Length && body[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= body.Length)
                    {
                        throw new ScriptException($"{source}: unterminated quote in {key}=");
                    }

                    var c = body[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\' && i < body.Length)
                    {
                        var escaped = body[i++];
                        value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => escaped });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }
            }
            else
            {
                while (i < body.Length && !char.IsWhiteSpace(body[i]))
                {
                    value.Append(body[i++]);
                }
            }

            yield return (key, value.ToString());
        }
    }
}
