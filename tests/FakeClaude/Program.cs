using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FakeClaude;

/// <summary>
/// A stand-in for <c>claude -p --output-format stream-json --verbose</c> whose behaviour the test
/// scripts through <c>@fake</c> prompt lines and <c>FAKE_CLAUDE_SCRIPT</c> (see README.md).
/// </summary>
internal static class Program
{
    public const string ClaudeVersion = "2.1.331";
    private const string DefaultModel = "claude-sonnet-4-5";
    private const string ScriptVariable = "FAKE_CLAUDE_SCRIPT";

    private static readonly string[] DefaultTools = ["Task", "Bash", "Glob", "Grep", "LS", "Read", "Edit", "Write", "WebFetch", "WebSearch", "TodoWrite"];

    // Read by the signal handlers: set from the environment first thing, and again once the prompt's directives are known.
    private static volatile bool ignoreSigterm;

    // Kept in fields: a collected registration stops handling the signal.
    private static PosixSignalRegistration? sigterm;
    private static PosixSignalRegistration? sigint;

    // allocate_mb: held in a field so that no collection frees it while the fake runs.
    private static byte[] allocated = [];

    public static int Main(string[] args)
    {
        var startUnixMs = Records.NowUnixMs();
        var clock = Stopwatch.StartNew();
        if (args.Length > 0 && args[0] == Grandchild.Argument)
        {
            return Grandchild.Run(args);
        }

        // The environment's directives first, before any other work: a runner's timeout can fire at any
        // moment, and the signal behaviour a test asked for must already hold when it does.
        Script? script = null;
        ScriptException? invalidScript = null;
        try
        {
            script = Script.FromEnvironment(Environment.GetEnvironmentVariable(ScriptVariable));
            ignoreSigterm = script.IgnoreSigterm;
        }
        catch (ScriptException e)
        {
            invalidScript = e;
        }

        RegisterSignals();
        if (Array.IndexOf(args, "--version") >= 0 || Array.IndexOf(args, "-v") >= 0)
        {
            Console.Out.Write($"{ClaudeVersion} (Fake Claude)\n");
            return 0;
        }

        byte[] prompt;
        Records? records;
        try
        {
            records = Records.FromEnvironment();
            records?.Ready();
            // The whole prompt first: the runner writes it all and closes stdin before reading our output.
            prompt = ReadAll(Console.OpenStandardInput());
            records?.Prompt(prompt);
            records?.Start(startUnixMs, args);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Error($"fake-claude: cannot read stdin or write records: {e.Message}");
            return 2;
        }

        int exitCode;
        try
        {
            // An invalid FAKE_CLAUDE_SCRIPT is reported now, with the records written, like any directive error.
            exitCode = Run(args, script ?? throw invalidScript!, prompt, records, clock);
        }
        catch (ScriptException e)
        {
            Error($"fake-claude: {e.Message}");
            exitCode = 2;
        }
        catch (IOException e)
        {
            // Typically EPIPE: the reader closed our stdout. Node's claude dies with 1 as well.
            Error($"fake-claude: write failed: {e.Message}");
            exitCode = 1;
        }

        records?.End(exitCode);
        return exitCode;
    }

    private static int Run(string[] args, Script script, byte[] prompt, Records? records, Stopwatch clock)
    {
        CommandLine line;
        try
        {
            line = CommandLine.Parse(args);
        }
        catch (UsageException e)
        {
            Error(e.Message);
            return 1;
        }

        if (!line.Print)
        {
            Error("fake-claude: only print mode (-p / --print) is supported");
            return 2;
        }

        if (line.OutputFormat == "stream-json" && !line.Verbose)
        {
            Error("Error: When using --print, --output-format=stream-json requires --verbose");
            return 1;
        }

        var promptText = Encoding.UTF8.GetString(prompt);
        if (line.PromptArgument is { } argument)
        {
            // The real CLI joins an argv prompt and piped stdin.
            promptText = promptText.Length == 0 ? argument : argument + "\n" + promptText;
        }

        // A resumed session replays its conversation: the first prompt's directives and counters hold again.
        var conversationStart = promptText;
        if (line.Resume is { } resumed)
        {
            if (Sessions.Read(resumed) is not { } earlier)
            {
                Error($"No conversation found with session ID: {resumed}");
                return 1;
            }

            conversationStart = earlier;
            prompt = Encoding.UTF8.GetBytes(earlier);
            script.ApplyPrompt(earlier);
        }

        script.ApplyPrompt(promptText);
        ignoreSigterm = script.IgnoreSigterm;
        var exitCode = Act(line, script, prompt, promptText, conversationStart, records, clock);
        return script.Exit ?? exitCode;
    }

    private static int Act(CommandLine line, Script script, byte[] prompt, string promptText, string conversationStart, Records? records, Stopwatch clock)
    {
        if (string.IsNullOrWhiteSpace(promptText))
        {
            Error("Error: Input must be provided either through stdin or as a prompt argument when using --print");
            return 1;
        }

        if (script.RootRefusal && line.SkipsPermissions && Environment.GetEnvironmentVariable("IS_SANDBOX") != "1")
        {
            Error("--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons");
            return 1;
        }

        if (script.Stderr is { } stderrText)
        {
            Error(stderrText);
        }

        var apiError = script.ApiError;
        if (script.FailFirst > 0 && Attempts.Next(Attempts.PathFor(script, prompt)) < script.FailFirst)
        {
            apiError ??= script.FailWith;
        }

        if (script.Grandchild)
        {
            var pid = script.GrandchildDoubleFork ? Grandchild.StartDoubleForked()
                : script.GrandchildEnvCleared ? Grandchild.StartEnvCleared(holdPipes: !script.GrandchildDaemon)
                : Grandchild.Start(script.GrandchildSetsid);
            records?.Grandchild(pid);
        }

        // Resident until the process ends: every page written, so it counts in the resident set, not just the address space.
        allocated = new byte[script.AllocateMb * 1024L * 1024];
        for (var page = 0; page < allocated.Length; page += 4096)
        {
            allocated[page] = 1;
        }

        using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        var model = line.Model ?? DefaultModel;
        var output = new StreamJson(stdout, Sessions.Begin(line, conversationStart), model);
        var streaming = line.OutputFormat == "stream-json";
        if (streaming)
        {
            var tools = (line.Tools ?? [.. DefaultTools])
                .SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Except(line.DisallowedTools)
                .ToList();
            output.Init(Environment.CurrentDirectory, tools, line.PermissionMode ?? (line.DangerouslySkipPermissions ? "bypassPermissions" : "default"));
        }

        ChangeFiles(script);
        script.ReadAnswer();
        if (script.Barrier > 0 && Barrier.Wait(script.Barrier) is var arrived && arrived < script.Barrier)
        {
            Error($"fake-claude: barrier={script.Barrier} gave up waiting with {arrived} arrived");
        }

        if (script.Hang)
        {
            Thread.Sleep(Timeout.Infinite);
        }

        if (script.PrintEnv is { } name)
        {
            var value = Environment.GetEnvironmentVariable(name);
            var shown = $"{name}={value ?? "<unset>"}";
            Error(shown);
            if (streaming)
            {
                output.Assistant($"The environment says {shown}");
            }
        }


        if (streaming)
        {
            Bulk(output, script);
        }

        // The "request": with server_limit it needs one of the server's slots for its whole answer.
        using var serverSlot = script.ServerLimit > 0 ? ServerLimit.Admit(script.ServerLimit, script.ServerRetries, script.RetryMs, streaming ? output : null) : null;
        if (script.ServerLimit > 0 && serverSlot is null)
        {
            apiError ??= 429;
        }

        if (streaming && script.RateLimitEvent is { } usageStatus)
        {
            output.RateLimitEvent(usageStatus);
        }

        var result = Outcome(line, script, apiError, promptText, prompt.Length);
        if (streaming && apiError is null)
        {
            output.Assistant(result.Errors is null ? result.Text : "(working…)");
        }

        if (script.SleepMs > 0)
        {
            Thread.Sleep(script.SleepMs);
        }

        if (streaming && apiError is { } status)
        {
            output.ApiRetry(status);
        }

        if (!script.NoResult)
        {
            result = result with { DurationMs = clock.ElapsedMilliseconds, DurationApiMs = apiError is null ? clock.ElapsedMilliseconds * 4 / 5 : 0 };
            if (line.OutputFormat == "text")
            {
                stdout.Write(Encoding.UTF8.GetBytes((result.Errors is { } errors ? "Error: " + string.Join("; ", errors) : result.Text) + "\n"));
            }
            else
            {
                output.Result(result);
            }
        }

        stdout.Flush();
        // The `is_error` flag alone is the old "exit 0 but is_error" case; real failures exit 1.
        var failed = apiError is not null || result.Errors is not null;
        return failed && !script.NoResult ? 1 : 0;
    }

    /// <summary>The <c>write</c>, <c>binary</c>, <c>delete</c> and <c>rename</c> directives, in the working directory, in order.</summary>
    private static void ChangeFiles(Script script)
    {
        foreach (var (kind, path, argument) in script.FileChanges)
        {
            if (Path.GetDirectoryName(kind == "rename" ? argument : path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            switch (kind)
            {
                case "write": File.WriteAllText(path, argument); break;
                case "binary": File.WriteAllBytes(path, [.. Enumerable.Range(0, 256).Select(i => (byte)i)]); break;
                case "delete": File.Delete(path); break;
                default: File.Move(path, argument); break;
            }
        }
    }

    /// <summary>The <c>stdout_mb</c> and <c>line_mb</c> floods, before the answer.</summary>
    private static void Bulk(StreamJson output, Script script)
    {
        if (script.StdoutMb > 0)
        {
            const int LineText = 64 * 1024;
            var text = Encoding.ASCII.GetString(StreamJson.Bulk(LineText));
            var lines = (long)Math.Ceiling(script.StdoutMb * 1024 * 1024 / LineText);
            for (var i = 0; i < lines; i++)
            {
                output.Assistant(text, flush: false);
            }
        }

        if (script.LineMb > 0)
        {
            output.HugeAssistant((long)(script.LineMb * 1024 * 1024));
        }
    }

    private static ResultData Outcome(CommandLine line, Script script, int? apiError, string promptText, int promptBytes)
    {
        var turns = script.Turns ?? 1;
        if (apiError is { } status)
        {
            var text = script.Text ?? $"API Error: {status} {{\"type\":\"error\",\"error\":{{\"type\":\"{StreamJson.ApiErrorType(status)}\",\"message\":\"{ApiMessage(status)}\"}}}}";
            return new ResultData("success", true, text, null, 0, 0, turns, 0m, 0, 0, status);
        }

        // With --json-schema and output=…: the answer is the structured output, and `result` the same as JSON text, as the real CLI writes it.
        var structured = line.JsonSchema is not null ? script.Output : null;
        var answer = structured ?? (script.Echo ? promptText : script.Text ?? DefaultAnswer(promptText));
        var input = script.InputTokens ?? Math.Max(1, promptBytes / 4);
        var outputTokens = script.OutputTokens ?? Math.Max(1, answer.Length / 4);

        // Without an explicit subtype, the limits the runner passed apply, as in the real CLI.
        var subtype = script.Subtype
            ?? (line.MaxTurns < turns ? "error_max_turns"
            : line.MaxBudgetUsd < script.Cost ? "error_max_budget_usd"
            : "success");
        string[]? errors = subtype switch
        {
            "success" => null,
            "error_max_turns" => [$"Reached maximum number of turns ({line.MaxTurns ?? turns})"],
            "error_max_budget_usd" => [$"Reached maximum budget (${line.MaxBudgetUsd ?? script.Cost})"],
            "error_max_structured_output_retries" => ["Failed to provide valid structured output after 5 attempts: data must have required property 'findings'"],
            _ => ["Error during execution: the tool was interrupted"],
        };
        return new ResultData(subtype, errors is not null || script.IsError, answer, errors, 0, 0, turns, script.Cost, input, outputTokens, null)
        {
            StructuredOutput = errors is null ? structured : null,
        };
    }

    private static string ApiMessage(int status) => status switch
    {
        401 => "invalid x-api-key",
        403 => "Your credit balance is too low or this key lacks permission",
        429 => "Number of requests has exceeded your rate limit",
        529 => "Overloaded",
        _ => "Internal server error",
    };

    /// <summary><c>Fake answer: </c> and the first line that is not a directive, at most 80 characters.</summary>
    private static string DefaultAnswer(string promptText)
    {
        var first = promptText.Split('\n').FirstOrDefault(l => !Script.IsDirectiveLine(l))?.TrimEnd('\r') ?? "";
        if (first.Length > 80)
        {
            first = first[..(char.IsHighSurrogate(first[79]) ? 79 : 80)];
        }

        return "Fake answer: " + first;
    }

    private static void RegisterSignals()
    {
        // ignore_sigterm: cancel, so only SIGKILL stops us. Otherwise the runtime's default applies
        // (exit promptly with 143, like the real CLI).
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = ignoreSigterm);

        // The real CLI exits 0 on SIGINT, often with nothing more on stdout.
        sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            Environment.Exit(0);
        });
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    private static void Error(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\n");
        using var stderr = Console.OpenStandardError();
        stderr.Write(bytes);
    }
}
