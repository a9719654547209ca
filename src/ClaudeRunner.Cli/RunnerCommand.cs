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

    private readonly Option<string[]> _allowedTools = new("--allowed-tools")
    {
        HelpName = "X",
        Description = "claude's --allowedTools for prompts that set none: a tool or pattern such as 'Bash(git diff:*)'; repeat it or separate with commas.",
    };

    private readonly Option<string[]> _disallowedTools = new("--disallowed-tools")
    {
        HelpName = "X",
        Description = "claude's --disallowedTools for prompts that set none; repeat it or separate with commas.",
    };

    private readonly Option<int?> _maxTurns = new("--max-turns")
    {
        HelpName = "N",
        Description = "claude's --max-turns for prompts that set none.",
    };

    private readonly Option<decimal?> _maxBudgetUsd = new("--max-budget-usd")
    {
        HelpName = "N",
        Description = "claude's --max-budget-usd for prompts that set none: the most one attempt may cost, in US dollars.",
    };

    private readonly Option<string?> _appendSystemPrompt = new("--append-system-prompt")
    {
        HelpName = "TEXT",
        Description = "claude's --append-system-prompt for prompts that set none.",
    };

    private readonly Option<string[]> _additionalArguments = new("--arg")
    {
        HelpName = "X",
        Description = "One extra argument appended to claude's command line; repeat it for more. Write --arg=--flag for a value that starts with '-'.",
    };

    private readonly Option<Dictionary<string, string>> _environmentVariables = new("--env")
    {
        HelpName = "NAME=VALUE",
        Description = "An extra environment variable for claude; repeat it for more.",
    };

    private readonly Option<bool> _retryTimeouts = new("--retry-timeouts")
    {
        Description = "Retry a prompt that timed out, like the other transient failures.",
    };

    private readonly Option<TimeSpan?> _maxRetryDelay = new("--max-retry-delay")
    {
        HelpName = "T",
        Description = $"The longest delay between two attempts; when only one of --retry-delay and --max-retry-delay is given, the other gives way to it [default: {OptionText.FormatDuration(new RunRequest().MaxRetryDelay)}].",
    };

    private readonly Option<TimeSpan?> _gracePeriod = new("--grace-period")
    {
        HelpName = "T",
        Description = $"How long claude gets to exit after SIGTERM (timeout, cancel) before its process tree is killed [default: {OptionText.FormatDuration(new RunRequest().GracePeriod)}].",
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
        _maxRetryDelay.CustomParser = result => Duration(result, _maxRetryDelay.Name, allowZero: true);
        _gracePeriod.CustomParser = result => Duration(result, _gracePeriod.Name, allowZero: true);
        _maxTurns.CustomParser = result => Integer(result, _maxTurns.Name, minimum: 1);
        _maxBudgetUsd.CustomParser = result => UsdAmount(result, _maxBudgetUsd.Name);
        _environmentVariables.CustomParser = EnvironmentVariables;
        _permissionMode.CustomParser = PermissionMode;
        _root = new RootCommand("Runs Claude Code prompts (claude -p) in parallel. Exit codes: 0 all succeeded, 1 any failed, 2 bad input or usage, 130/143 stopped by SIGINT/SIGTERM.")
        {
            _files, _maxParallel, _logDirectory, _retries, _retryDelay, _timeout, _claude, _model, _noSkipPermissions,
            _permissionMode, _allowedTools, _disallowedTools, _maxTurns, _maxBudgetUsd, _appendSystemPrompt, _additionalArguments,
            _environmentVariables, _retryTimeouts, _maxRetryDelay, _gracePeriod, _failFast, _summaryFile, _junitFile, _heartbeat,
            _dryRun, _quiet,
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
                foreach (var planned in ClaudeRunnerEngine.Plan(request).Prompts)
                {
                    // The limits go after the command as a shell comment: the line stays a command a user can copy.
                    await _stdout.WriteLineAsync($"{planned.Prompt.Id}: {planned.CommandLine}  # {planned.Limits}");
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
        var plainHeartbeat = parse.GetValue(_heartbeat) ?? defaultRequest.HeartbeatInterval;
        // The tool lists split like every front end's (commas, semicolons); they cannot be invalid.
        var tools = OptionText.ParseOptions(
            [
                new("AllowedTools", string.Join(';', parse.GetValue(_allowedTools) ?? [])),
                new("DisallowedTools", string.Join(';', parse.GetValue(_disallowedTools) ?? [])),
            ],
            location: null,
            errors: []);
        var additionalArguments = parse.GetValue(_additionalArguments) ?? [];
        var environment = parse.GetValue(_environmentVariables) ?? [];
        var request = new RunRequest
        {
            Sources = PromptSources.From(parse.GetValue(_files) ?? [], _stdin, standardInputIsTerminal: !Console.IsInputRedirected),
            BaseDirectory = Environment.CurrentDirectory,
            Defaults = tools with
            {
                Model = parse.GetValue(_model),
                PermissionMode = parse.GetValue(_permissionMode),
                MaxTurns = parse.GetValue(_maxTurns),
                MaxBudgetUsd = parse.GetValue(_maxBudgetUsd),
                AppendSystemPrompt = parse.GetValue(_appendSystemPrompt),
                Timeout = parse.GetValue(_timeout),
                Retries = parse.GetValue(_retries),
                Env = environment.Count == 0 ? null : environment,
                Args = additionalArguments.Length == 0 ? null : additionalArguments,
            },
            MaxParallel = parse.GetValue(_maxParallel),
            ClaudePath = parse.GetValue(_claude)!,
            DangerouslySkipPermissions = !parse.GetValue(_noSkipPermissions),
            RetryTimeouts = parse.GetValue(_retryTimeouts),
            GracePeriod = parse.GetValue(_gracePeriod) ?? defaultRequest.GracePeriod,
            FailFast = parse.GetValue(_failFast),
            LogDirectory = parse.GetValue(_logDirectory),
            SummaryFile = parse.GetValue(_summaryFile),
            JUnitFile = parse.GetValue(_junitFile),
            // The live display redraws its counts and ETA from a heartbeat every second.
            HeartbeatInterval = display == Display.Live ? TimeSpan.FromSeconds(1) : plainHeartbeat,
        };
        return request.WithRetryDelays(parse.GetValue(_retryDelay), parse.GetValue(_maxRetryDelay));
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
        if (OptionRules.ParseWholeNumber(text, minimum) is { } value)
        {
            return value;
        }

        result.AddError($"{optionName} {OptionRules.WholeNumber(minimum)} (got '{text}').");
        return null;
    }

    private static TimeSpan? Duration(ArgumentResult result, string optionName, bool allowZero)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (OptionRules.ParseDuration(text, allowZero) is { } duration)
        {
            return duration;
        }

        result.AddError($"{optionName} {(allowZero ? OptionRules.Duration : OptionRules.PositiveDuration)} (got '{text}').");
        return null;
    }

    private static decimal? UsdAmount(ArgumentResult result, string optionName)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (OptionRules.ParseUsd(text) is { } amount)
        {
            return amount;
        }

        result.AddError($"{optionName} {OptionRules.PositiveUsd} (got '{text}').");
        return null;
    }

    // Every occurrence of --env arrives here; a later one wins for the same name.
    private static Dictionary<string, string> EnvironmentVariables(ArgumentResult result)
    {
        var environment = OptionText.ParseEnvironment(result.Tokens.Select(token => token.Value), out var malformed);
        foreach (var entry in malformed)
        {
            result.AddError($"--env must be NAME=VALUE (got '{entry}').");
        }

        return environment;
    }

    private static string? PermissionMode(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (OptionText.ValidPermissionMode(text) is { } mode)
        {
            return mode;
        }

        result.AddError($"--permission-mode {OptionRules.PermissionMode} (got '{text}').");
        return null;
    }
}
