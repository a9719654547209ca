using System.CommandLine;
using System.CommandLine.Parsing;

namespace ClaudeRunner.Cli;

/// <summary>
/// The command line of claude-runner, kept as the original tool defined it. Parsing problems exit with
/// <see cref="ExitCodes.BadInput"/> before anything runs; a valid command line becomes a <see cref="RunRequest"/>.
/// </summary>
internal sealed class RunnerCommand
{
    private readonly TextReader _stdin;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly RootCommand _root;

    private readonly Argument<string[]> _files = new("FILE")
    {
        Arity = ArgumentArity.ZeroOrMore,
        Description = "Prompts files (JSON). '-', or no file when standard input is not a terminal, reads standard input.",
    };

    private readonly Option<int> _maxParallel = new("--max-parallel")
    {
        HelpName = "N",
        Description = "The most claude processes at once.",
        DefaultValueFactory = _ => RunRequest.DefaultMaxParallel,
    };

    private readonly Option<string?> _logDirectory = new("--log-dir")
    {
        HelpName = "DIR",
        Description = "Where the per-prompt logs, summary.json and junit.xml go [default: claude-logs].",
    };

    private readonly Option<int?> _retries = new("--retry")
    {
        HelpName = "N",
        Description = $"Retries of a prompt after a transient failure (rate limit, overload, server error) [default: {RunRequest.DefaultRetries}].",
    };

    private readonly Option<TimeSpan?> _retryDelay = new("--retry-delay")
    {
        HelpName = "T",
        Description = $"The delay before the first retry; it doubles for each further one [default: {OptionText.FormatDuration(new RunRequest().RetryDelay)}].",
    };

    private readonly Option<TimeSpan?> _timeout = new("--timeout")
    {
        HelpName = "T",
        Description = $"The wall-clock limit of one attempt: 00:20:00, 20m, 90s, 1500ms or seconds [default: {OptionText.FormatDuration(RunRequest.DefaultTimeout)}].",
    };

    private readonly Option<string> _claude = new("--claude")
    {
        HelpName = "PATH",
        Description = "The claude executable: a path, or a name looked up on PATH.",
        DefaultValueFactory = _ => "claude",
    };

    private readonly Option<string?> _model = new("--model")
    {
        HelpName = "M",
        Description = "The model of prompts that name none.",
    };

    private readonly Option<bool> _noSkipPermissions = new("--no-skip-permissions")
    {
        Description = "Do not pass --dangerously-skip-permissions to claude.",
    };

    private readonly Option<string?> _permissionMode = new("--permission-mode")
    {
        HelpName = "M",
        Description = $"claude's permission mode for prompts that set none: {string.Join(", ", OptionText.PermissionModes)}.",
    };

    private readonly Option<bool> _failFast = new("--fail-fast")
    {
        Description = "After the first prompt fails for good, start no new ones.",
    };

    private readonly Option<string?> _summaryFile = new("--summary")
    {
        HelpName = "FILE",
        Description = "Where to write the summary JSON [default: summary.json in the log directory].",
    };

    private readonly Option<string?> _junitFile = new("--junit")
    {
        HelpName = "FILE",
        Description = "Where to write the JUnit XML report [default: junit.xml in the log directory].",
    };

    private readonly Option<TimeSpan?> _heartbeat = new("--heartbeat")
    {
        HelpName = "T",
        Description = $"How often plain output prints progress; 0 for never [default: {OptionText.FormatDuration(new RunRequest().HeartbeatInterval)}].",
    };

    private readonly Option<bool> _dryRun = new("--dry-run")
    {
        Description = "Print each prompt's id and claude command line; run nothing.",
    };

    private readonly Option<bool> _quiet = new("--quiet")
    {
        Description = "Print only the result and errors.",
    };

    public RunnerCommand(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        _stdin = stdin;
        _stdout = stdout;
        _stderr = stderr;
        _files.Validators.Add(RejectUnknownOptions);
        _maxParallel.CustomParser = result => Integer(result, _maxParallel.Name, minimum: 1) ?? RunRequest.DefaultMaxParallel;
        _retries.CustomParser = result => Integer(result, _retries.Name, minimum: 0);
        _timeout.CustomParser = result => Duration(result, _timeout.Name, allowZero: false);
        _retryDelay.CustomParser = result => Duration(result, _retryDelay.Name, allowZero: true);
        _heartbeat.CustomParser = result => Duration(result, _heartbeat.Name, allowZero: true);
        _permissionMode.CustomParser = PermissionMode;
        _root = new RootCommand("Runs Claude Code prompts (claude -p) in parallel. Exit codes: 0 all succeeded, 1 any failed, 2 bad input or usage, 130/143 stopped by SIGINT/SIGTERM.")
        {
            _files, _maxParallel, _logDirectory, _retries, _retryDelay, _timeout, _claude, _model, _noSkipPermissions,
            _permissionMode, _failFast, _summaryFile, _junitFile, _heartbeat, _dryRun, _quiet,
        };
        _root.SetAction((parse, _) => RunAsync(parse));
    }

    public async Task<int> InvokeAsync(IReadOnlyList<string> args)
    {
        // A file argument starting with '@' is a prompts file, not a response file.
        var parse = _root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await _stderr.WriteLineAsync($"claude-runner: error: {error.Message}");
            }

            await _stderr.WriteLineAsync("Run 'claude-runner --help' for usage.");
            return ExitCodes.BadInput;
        }

        // The run handles SIGINT/SIGTERM itself (TerminationSignals): the parser must not.
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
            Output = _stdout,
            Error = _stderr,
        });
    }

    private async Task<int> RunAsync(ParseResult parse)
    {
        var display = parse.GetValue(_quiet) ? Display.Quiet : LiveDisplay.IsAvailable ? Display.Live : Display.Plain;
        try
        {
            var request = ToRequest(parse, display);
            if (parse.GetValue(_dryRun))
            {
                foreach (var planned in ClaudeRunnerEngine.Plan(request))
                {
                    await _stdout.WriteLineAsync($"{planned.Prompt.Id}: {planned.CommandLine}");
                }

                return ExitCodes.AllSucceeded;
            }

            return await new RunSession(request, display, _stdout, _stderr).RunAsync();
        }
        catch (UsageException ex)
        {
            await _stderr.WriteLineAsync($"claude-runner: error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (InvalidInputException ex)
        {
            foreach (var error in ex.Errors)
            {
                await _stderr.WriteLineAsync(error.Location is { } location ? $"{location}: error: {error.Message}" : $"claude-runner: error: {error.Message}");
            }

            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await _stderr.WriteLineAsync($"claude-runner: error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }

    private RunRequest ToRequest(ParseResult parse, Display display)
    {
        var defaultRequest = new RunRequest();
        var retryDelay = parse.GetValue(_retryDelay) ?? defaultRequest.RetryDelay;
        var plainHeartbeat = parse.GetValue(_heartbeat) ?? defaultRequest.HeartbeatInterval;
        return new RunRequest
        {
            Sources = PromptSources.From(parse.GetValue(_files) ?? [], _stdin, standardInputIsTerminal: !Console.IsInputRedirected),
            BaseDirectory = Environment.CurrentDirectory,
            Defaults = new PromptOptions
            {
                Model = parse.GetValue(_model),
                PermissionMode = parse.GetValue(_permissionMode),
                Timeout = parse.GetValue(_timeout),
                Retries = parse.GetValue(_retries),
            },
            MaxParallel = parse.GetValue(_maxParallel),
            ClaudePath = parse.GetValue(_claude)!,
            DangerouslySkipPermissions = !parse.GetValue(_noSkipPermissions),
            RetryDelay = retryDelay,
            MaxRetryDelay = retryDelay > defaultRequest.MaxRetryDelay ? retryDelay : defaultRequest.MaxRetryDelay,
            FailFast = parse.GetValue(_failFast),
            LogDirectory = parse.GetValue(_logDirectory),
            SummaryFile = parse.GetValue(_summaryFile),
            JUnitFile = parse.GetValue(_junitFile),
            // The live display redraws its counts and ETA from a heartbeat every second.
            HeartbeatInterval = display == Display.Live ? TimeSpan.FromSeconds(1) : plainHeartbeat,
        };
    }

    // Without this, an unknown option such as --verbose would be taken for a prompts file.
    private static void RejectUnknownOptions(ArgumentResult files)
    {
        foreach (var token in files.Tokens.Where(token => token.Value.Length > 1 && token.Value[0] == '-'))
        {
            files.AddError($"Unknown option '{token.Value}'.");
        }
    }

    private static int? Integer(ArgumentResult result, string optionName, int minimum)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        result.AddError($"{optionName} must be a whole number of at least {minimum} (got '{text}').");
        return null;
    }

    private static TimeSpan? Duration(ArgumentResult result, string optionName, bool allowZero)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (OptionText.ParseDuration(text) is { } duration && (allowZero || duration > TimeSpan.Zero))
        {
            return duration;
        }

        result.AddError($"{optionName} must be a {(allowZero ? string.Empty : "positive ")}duration such as 00:20:00, 20m, 90s, 1500ms or a number of seconds (got '{text}').");
        return null;
    }

    private static string? PermissionMode(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (OptionText.ValidPermissionMode(text) is { } mode)
        {
            return mode;
        }

        result.AddError($"--permission-mode must be one of {string.Join(", ", OptionText.PermissionModes)} (got '{text}').");
        return null;
    }
}
