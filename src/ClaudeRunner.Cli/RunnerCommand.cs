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

    private readonly Option<string?> _prompt = new("--prompt")
    {
        HelpName = "TEXT",
        Description = "A prompt given on the command line, besides any prompts files; with --foreach a template with {file}, {fullPath}, {fileName}, {fileStem}, {dir}, {ext}.",
    };

    private readonly Option<string[]> _foreach = new("--foreach")
    {
        HelpName = "GLOB",
        Description = "Run --prompt once per file that matches; repeat it for more globs, '!' before one excludes ('!**/obj/**').",
    };

    private readonly Option<string?> _changedSince = new("--changed-since")
    {
        HelpName = "REF",
        Description = "With --foreach: only files that differ from this git ref (committed, staged, unstaged or untracked).",
    };

    private readonly Option<bool> _quiet = new("--quiet")
    {
        Description = "Print only the result and errors.",
    };

    // One CLI option per row of the option table that has one, in the table's order; each parses its value by the row's kind.
    private readonly IReadOnlyList<(RunOption Row, Option Option)> _runOptions = [.. RunOptions.All.Where(row => row.Cli is not null).Select(row => (row, ToCliOption(row)))];

    public RunnerCommand(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        _stdin = stdin;
        _stdout = stdout;
        _stderr = stderr;
        _files.Validators.Add(RejectUnknownOptions);
        _root = new RootCommand("Runs Claude Code prompts (claude -p) in parallel. Exit codes: 0 all succeeded, 1 any failed, 2 bad input or usage, 130/143 stopped by SIGINT/SIGTERM. 'claude-runner merge' merges the reports of shards.")
        {
            _files,
        };
        foreach (var (_, option) in _runOptions)
        {
            _root.Options.Add(option);
        }

        _root.Options.Add(_prompt);
        _root.Options.Add(_foreach);
        _root.Options.Add(_changedSince);
        _root.Options.Add(_quiet);
        _root.Subcommands.Add(new MergeCommand(stdout, stderr).Command);
        _root.SetAction((parse, _) => RunAsync(parse));
    }

    public async Task<int> InvokeAsync(IReadOnlyList<string> args)
    {
        var parse = Parse(args);
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
            if (request.DryRun)
            {
                var plan = ClaudeRunnerEngine.Plan(request);
                foreach (var warning in plan.Warnings)
                {
                    await _stderr.WriteLineAsync($"{warning.Location}: warning: {warning.Message}");
                }

                foreach (var planned in plan.Prompts)
                {
                    await _stdout.WriteLineAsync(planned.Description);
                }

                await _stdout.WriteLineAsync(plan.Headline);

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

    /// <summary>Parses a command line; a file argument starting with '@' is a prompts file, not a response file.</summary>
    internal ParseResult Parse(IReadOnlyList<string> args) => _root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    internal RunRequest ToRequest(ParseResult parse, Display display)
    {
        var request = new RunRequest
        {
            Sources = PromptSources.From(
                parse.GetValue(_files) ?? [],
                CommandLinePrompt(parse),
                _stdin,
                standardInputIsTerminal: !Console.IsInputRedirected),
            BaseDirectory = Environment.CurrentDirectory,
        };
        var errors = new List<InputError>();
        foreach (var (row, option) in _runOptions)
        {
            // Values were checked while parsing: nothing is added to errors here.
            var value = option is Option<bool> flag ? (parse.GetResult(flag) is { Implicit: false } ? !row.CliNegates : null) : parse.GetValue((Option<object?>)option);
            request = request.WithValue(row, value, row.Cli!, null, errors);
        }

        // The live display redraws its counts and ETA from a heartbeat every second.
        return display == Display.Live ? request with { HeartbeatInterval = TimeSpan.FromSeconds(1) } : request;
    }

    /// <summary>The prompt of <c>--prompt</c> (with its <c>--foreach</c> globs), or null.</summary>
    private PromptInput? CommandLinePrompt(ParseResult parse)
    {
        var globs = parse.GetValue(_foreach) ?? [];
        var changedSince = parse.GetValue(_changedSince);
        if (parse.GetValue(_prompt) is not { } text)
        {
            return globs.Length > 0 || changedSince is not null ? throw new UsageException("--foreach and --changed-since need --prompt: the prompt to run for each file.") : null;
        }

        return new PromptInput(text, Location: new SourceLocation("--prompt"))
        {
            Foreach = globs.Length > 0 ? globs : null,
            ChangedSince = changedSince,
        };
    }

    /// <summary>The CLI option of a row of the option table: its name, aliases, help and default, its value parsed by the row's kind.</summary>
    internal static Option ToCliOption(RunOption row)
    {
        var description = row.DefaultText is null ? row.Help : $"{row.Help} [default: {row.DefaultText}]";
        if (row.Kind.IsFlag)
        {
            return new Option<bool>(row.Cli!, [.. row.CliAliases]) { Description = description };
        }

        return new Option<object?>(row.Cli!, [.. row.CliAliases])
        {
            HelpName = row.CliValueName,
            Description = description,
            Arity = row.Kind.IsList ? ArgumentArity.OneOrMore : ArgumentArity.ExactlyOne,
            CustomParser = result =>
            {
                var tokens = result.Tokens.Select(token => token.Value).ToList();
                var value = row.Kind.ParseItems(tokens);
                if (value is null)
                {
                    result.AddError($"{row.Cli} {row.Kind.Rule} (got '{string.Join(" ", tokens)}').");
                }

                return value;
            },
        };
    }

    // Without this, an unknown option such as --verbose would be taken for a prompts file.
    internal static void RejectUnknownOptions(ArgumentResult files)
    {
        foreach (var token in files.Tokens.Where(token => token.Value.Length > 1 && token.Value[0] == '-'))
        {
            files.AddError($"Unknown option '{token.Value}'.");
        }
    }
}
