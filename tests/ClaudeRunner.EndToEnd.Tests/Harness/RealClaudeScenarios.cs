using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// The end-to-end scenarios of issue 6, each built ready to run: the mock scripted, the prompts file
/// written, the expected outcomes recorded. The engine tests run them through
/// <see cref="ClaudeRunnerEngine"/>; a front-end test runs the same scenario through its front end with
/// <see cref="RealClaudeScenario.PromptsFile"/>, <see cref="RealClaudeScenario.ClaudePath"/>,
/// <see cref="RealClaudeScenario.MaxParallel"/> and <see cref="RealClaudeScenario.LogDirectory"/>, then checks
/// the result with the scenario's assertions (see README.md).
/// </summary>
/// <remarks>
/// Every scenario but <see cref="RootWithSkipPermissionsAsync"/> sets <c>IS_SANDBOX=1</c>: as root the CLI
/// refuses <c>--dangerously-skip-permissions</c> without it, and it changes how the CLI handles 529, so
/// setting it everywhere makes the scenarios behave the same whether or not the tests run as root.
/// <c>CLAUDE_CODE_MAX_RETRIES</c> is kept small so the CLI's own retries take a second or two, not minutes.
/// </remarks>
public static class RealClaudeScenarios
{
    /// <summary>The prompts of <see cref="ParallelAsync"/>.</summary>
    public const int ParallelPrompts = 8;

    /// <summary>The parallelism of <see cref="ParallelAsync"/>.</summary>
    public const int ParallelLimit = 4;

    /// <summary>
    /// How long the mock still holds the answers of <see cref="ParallelAsync"/> once all <see cref="ParallelLimit"/>
    /// slots are busy (a wave of <see cref="MockWaves"/>): a run that started more processes than the limit (they
    /// start together with the ones that fill the wave) shows them as further sessions in flight within it.
    /// </summary>
    public static readonly TimeSpan ParallelHold = TimeSpan.FromSeconds(1);

    /// <summary>The per-prompt timeout of <see cref="SilentApiAsync"/>.</summary>
    public static readonly TimeSpan SilentApiTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The <c>--max-turns</c> of <see cref="ToolLoopAsync"/>.</summary>
    public const int ToolLoopMaxTurns = 2;

    /// <summary>The id of the prompt that keeps meeting 529 in <see cref="PersistentOverloadAsync"/>.</summary>
    public const string OverloadedId = "overloaded";

    /// <summary>The id of the prompt that runs as root with skip-permissions in <see cref="RootWithSkipPermissionsAsync"/>.</summary>
    public const string AsRootId = "as-root";

    /// <summary>The id of the prompt that sets <c>IS_SANDBOX=1</c> in <see cref="RootWithSkipPermissionsAsync"/>.</summary>
    public const string SandboxedId = "sandboxed";

    /// <summary>Every scenario by name (its builder's name without <c>Async</c>), for theories over scenario × front end.</summary>
    public static IReadOnlyDictionary<string, Func<Task<RealClaudeScenario>>> All { get; } = new Dictionary<string, Func<Task<RealClaudeScenario>>>
    {
        ["Parallel"] = ParallelAsync,
        ["RateLimitedTwice"] = RateLimitedTwiceAsync,
        ["PersistentOverload"] = PersistentOverloadAsync,
        ["AuthFailure"] = AuthFailureAsync,
        ["SilentApi"] = SilentApiAsync,
        ["ToolLoop"] = ToolLoopAsync,
        ["LargePrompt"] = LargePromptAsync,
        ["RootWithSkipPermissions"] = RootWithSkipPermissionsAsync,
    };

    /// <summary>The names of <see cref="All"/> as theory data.</summary>
    public static TheoryData<string> Names => [.. All.Keys];

    /// <summary>The prompt of <see cref="LargePromptAsync"/>: over 300 KB of UTF-8 with tabs, quotes, backslashes, shell syntax and non-ASCII.</summary>
    public static string LargePromptText { get; } = BuildLargePrompt();

    /// <summary>The answer the mock gives prompt <paramref name="number"/> of <see cref="ParallelAsync"/>.</summary>
    public static string ParallelReplyText(int number) => $"Answer number {number.ToString(CultureInfo.InvariantCulture)} from the mock.";

    /// <summary>The id of prompt <paramref name="number"/> (1-based) of <see cref="ParallelAsync"/>.</summary>
    public static string ParallelId(int number) => $"parallel-{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// 8 prompts at MaxParallel 4, each answered with its own text in waves of 4 (<see cref="MockWaves"/>): no answer
    /// comes before 4 claude processes wait for one, and then only after <see cref="ParallelHold"/>. All succeed.
    /// </summary>
    public static async Task<RealClaudeScenario> ParallelAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 0)).ConfigureAwait(false);
        var numbers = Enumerable.Range(1, ParallelPrompts).ToList();
        var waves = new MockWaves(ParallelLimit);
        foreach (var number in numbers)
        {
            var reply = MockResponse.Reply(ParallelReplyText(number)) with { WaitFor = waves.JoinAsync, Delay = ParallelHold };
            scenario.Mock.When(Marker(ParallelId(number)), MockBehaviour.Always(reply));
        }

        scenario.WritePrompts(
            Defaults(retries: 0),
            [.. numbers.Select(n => Prompt(ParallelId(n), $"Answer with your number, {n.ToString(CultureInfo.InvariantCulture)}."))],
            [.. numbers.Select(n => new ExpectedPrompt(ParallelId(n), Outcome.Succeeded, 1))],
            ParallelLimit);
        return scenario;
    }

    /// <summary>The prompts of <see cref="ServerLimitAsync"/>.</summary>
    public const int ServerLimitPrompts = 8;

    /// <summary>
    /// 8 prompts at MaxParallel 8 against a server that admits 2 requests at once (each answered after 1 s) and
    /// answers 429 with <c>retry-after: 1</c> beyond that: claude retries by itself, the run's limit adapts, all succeed.
    /// Not part of <see cref="All"/>: it proves the engine's adaptation, which no front end changes.
    /// </summary>
    public static async Task<RealClaudeScenario> ServerLimitAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 10)).ConfigureAwait(false);
        scenario.Mock.When("[server-limited]", MockBehaviour.AdmitAtOnce(2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        var ids = Enumerable.Range(1, ServerLimitPrompts).Select(n => $"limited-{n.ToString(CultureInfo.InvariantCulture)}").ToList();
        scenario.WritePrompts(
            Defaults(retries: 0, timeout: TimeSpan.FromSeconds(90)),
            [.. ids.Select(id => Prompt(id, "Say hi. [server-limited]"))],
            [.. ids.Select(id => new ExpectedPrompt(id, Outcome.Succeeded, 1))],
            ServerLimitPrompts);
        return scenario;
    }

    /// <summary>The output of the command the first attempt of <see cref="InterruptedToolRunAsync"/> runs.</summary>
    public const string InterruptedToolOutput = "step-one-done";

    /// <summary>
    /// One prompt whose first attempt runs a Bash command (<see cref="InterruptedToolOutput"/>), then meets a 500
    /// that claude does not retry (CLAUDE_CODE_MAX_RETRIES=0): a ServerError in the middle of the conversation, which
    /// the runner retries. The mock answers every later request. Not part of <see cref="All"/>.
    /// </summary>
    public static async Task<RealClaudeScenario> InterruptedToolRunAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 0)).ConfigureAwait(false);
        scenario.Mock.When(Marker("interrupted"), MockBehaviour.Custom((n, _) => n switch
        {
            1 => MockResponse.Bash($"echo {InterruptedToolOutput}"),
            2 => MockResponse.Error(500),
            _ => MockResponse.Reply("Finished after resuming."),
        }));
        scenario.WritePrompts(
            Defaults(retries: 1),
            [Prompt("interrupted", "Run the step, then report.")],
            [new ExpectedPrompt("interrupted", Outcome.Succeeded, 2)]);
        return scenario;
    }

    /// <summary>The API answers 429 twice, then the reply: claude's own retries absorb it, one attempt of ours.</summary>
    public static async Task<RealClaudeScenario> RateLimitedTwiceAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 3)).ConfigureAwait(false);
        scenario.Mock.When(Marker("rate-limited"), MockBehaviour.FailFirst(2, 429, "Done after two rate limits."));
        scenario.WritePrompts(
            Defaults(retries: 2),
            [Prompt("rate-limited", "Do something small.")],
            [new ExpectedPrompt("rate-limited", Outcome.Succeeded, 1)]);
        return scenario;
    }

    /// <summary>
    /// The API answers 529 to one prompt for ever (another prompt succeeds): claude gives up after its own
    /// retries, the runner retries it once (<c>retries: 1</c>), then the run fails naming <see cref="OverloadedId"/>.
    /// </summary>
    public static async Task<RealClaudeScenario> PersistentOverloadAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 1)).ConfigureAwait(false);
        scenario.Mock.When(Marker(OverloadedId), MockBehaviour.Error(529));
        scenario.Mock.When(Marker("fine"), MockBehaviour.Reply("Fine."));
        scenario.WritePrompts(
            Defaults(retries: 1),
            [Prompt("fine", "Say fine."), Prompt(OverloadedId, "Say anything.")],
            [new ExpectedPrompt("fine", Outcome.Succeeded, 1), new ExpectedPrompt(OverloadedId, Outcome.Overloaded, 2, "The API answered 529")]);
        return scenario;
    }

    /// <summary>The API answers 401: <c>AuthFailed</c> at once, not retried although <c>retries: 2</c>.</summary>
    public static async Task<RealClaudeScenario> AuthFailureAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 1)).ConfigureAwait(false);
        scenario.Mock.When(Marker("unauthorized"), MockBehaviour.Error(401, message: "invalid x-api-key"));
        scenario.WritePrompts(
            Defaults(retries: 2),
            [Prompt("unauthorized", "Say anything.")],
            [new ExpectedPrompt("unauthorized", Outcome.AuthFailed, 1, "The API refused the credentials (401): log in with `claude /login` or set ANTHROPIC_API_KEY.")]);
        return scenario;
    }

    /// <summary>
    /// The model first has claude start a background process (<c>tail -f /dev/null &amp;</c>, which outlives the Bash
    /// tool), then the API never answers: <c>TimedOut</c> after <see cref="SilentApiTimeout"/>, not retried,
    /// and neither claude nor the background process survives.
    /// </summary>
    public static async Task<RealClaudeScenario> SilentApiAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 0)).ConfigureAwait(false);
        scenario.Mock.When(Marker("silent"), MockBehaviour.Sequence(
            MockBehaviour.Always(MockResponse.Bash("tail -f /dev/null > /dev/null 2>&1 & echo started-$!")),
            MockBehaviour.Hang()));
        scenario.WritePrompts(
            Defaults(retries: 2, timeout: SilentApiTimeout),
            [Prompt("silent", "Start the job, then wait.")],
            [new ExpectedPrompt("silent", Outcome.TimedOut, 1, "Timed out after 3s")]);
        return scenario;
    }

    /// <summary>The model calls a tool on every turn: claude stops at <c>--max-turns 2</c>, <c>Failed</c>, not retried.</summary>
    public static async Task<RealClaudeScenario> ToolLoopAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 0)).ConfigureAwait(false);
        scenario.Mock.When(Marker("tool-loop"), MockBehaviour.AlwaysToolUse("echo again"));
        var defaults = Defaults(retries: 2);
        defaults["maxTurns"] = ToolLoopMaxTurns;
        scenario.WritePrompts(
            defaults,
            [Prompt("tool-loop", "Keep running commands.")],
            [new ExpectedPrompt("tool-loop", Outcome.Failed, 1, "The agent hit its turn limit (--max-turns).")]);
        return scenario;
    }

    /// <summary>A prompt of over 300 KB (it would not fit in one argv element): it succeeds and reaches the API intact.</summary>
    public static async Task<RealClaudeScenario> LargePromptAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 0)).ConfigureAwait(false);
        scenario.Mock.When(Marker("large-prompt"), MockBehaviour.Reply("Read it all."));
        scenario.WritePrompts(
            Defaults(retries: 0),
            [new JsonObject { ["id"] = "large-prompt", ["prompt"] = LargePromptText }],
            [new ExpectedPrompt("large-prompt", Outcome.Succeeded, 1)]);
        return scenario;
    }

    /// <summary>
    /// Skip-permissions on (the default), <c>IS_SANDBOX</c> unset (empty) for the run: as root, <see cref="AsRootId"/>
    /// is refused by claude, <c>LaunchFailed</c> with the explanation and not retried; <see cref="SandboxedId"/> sets
    /// <c>IS_SANDBOX=1</c> in its own <c>env</c> and runs. When the tests do not run as root both succeed.
    /// </summary>
    public static async Task<RealClaudeScenario> RootWithSkipPermissionsAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(new ClaudeEnvironmentOptions
        {
            MaxRetries = 0,
            Extra = new Dictionary<string, string?> { ["IS_SANDBOX"] = null },
        }).ConfigureAwait(false);
        scenario.Mock.When(Marker(AsRootId), MockBehaviour.Reply("Ran as root."));
        scenario.Mock.When(Marker(SandboxedId), MockBehaviour.Reply("Ran in the sandbox."));
        var sandboxed = Prompt(SandboxedId, "Say where you run.");
        sandboxed["env"] = new JsonObject { ["IS_SANDBOX"] = "1" };
        scenario.WritePrompts(
            Defaults(retries: 2),
            [Prompt(AsRootId, "Say where you run."), sandboxed],
            [
                ClaudeEnvironment.RunningAsRoot
                    ? new ExpectedPrompt(AsRootId, Outcome.LaunchFailed, 1, "claude refuses --dangerously-skip-permissions when run as root")
                    : new ExpectedPrompt(AsRootId, Outcome.Succeeded, 1),
                new ExpectedPrompt(SandboxedId, Outcome.Succeeded, 1),
            ]);
        return scenario;
    }

    /// <summary>The file the model of <see cref="IsolatedToolWriteAsync"/> makes with its Bash tool.</summary>
    public const string IsolatedFile = "made-by-claude.txt";

    /// <summary>
    /// <c>isolation: worktree</c> in a git repository (the working directory, one committed file): the model writes
    /// <see cref="IsolatedFile"/> with its Bash tool, relative to where claude runs, then answers. It succeeds, and
    /// the file comes back through the patch.
    /// </summary>
    public static async Task<RealClaudeScenario> IsolatedToolWriteAsync()
    {
        var scenario = await RealClaudeScenario.StartAsync(Sandboxed(maxRetries: 0)).ConfigureAwait(false);
        var repository = scenario.Environment.WorkingDirectory;
        File.WriteAllText(Path.Combine(repository, "README.md"), "A repository for claude.\n");
        ClaudeRunner.Tests.ScratchGit.InitWithCommit(repository);
        scenario.Mock.When(Marker("isolated"), MockBehaviour.ToolUseThenReply(MockResponse.Bash($"echo written in the worktree > {IsolatedFile}"), "Wrote the file."));
        var defaults = Defaults(retries: 0);
        defaults["isolation"] = WorktreeIsolation.Worktree;
        scenario.WritePrompts(defaults, [Prompt("isolated", "Write a file.")], [new ExpectedPrompt("isolated", Outcome.Succeeded, 1)]);
        return scenario;
    }

    /// <summary>The text the mock recognises a prompt by; every prompt text ends with its id's marker.</summary>
    public static string Marker(string id) => $"[{id}]";

    private static ClaudeEnvironmentOptions Sandboxed(int maxRetries) => new() { IsSandbox = true, MaxRetries = maxRetries };

    // A timeout on every prompt: a scenario that goes wrong ends in seconds, not after the 30-minute default.
    private static JsonObject Defaults(int retries, TimeSpan? timeout = null) => new()
    {
        ["retries"] = retries,
        ["timeout"] = $"{(int)(timeout ?? TimeSpan.FromSeconds(90)).TotalSeconds}s",
    };

    private static JsonObject Prompt(string id, string text) => new()
    {
        ["id"] = id,
        ["prompt"] = $"{text} {Marker(id)}",
    };

    private static string BuildLargePrompt()
    {
        var text = new StringBuilder(Marker("large-prompt")).Append(" Count the lines below.\n");
        var bytes = Encoding.UTF8.GetByteCount(text.ToString());
        for (var number = 1; bytes < 300 * 1024; number++)
        {
            var line = $"{number.ToString(CultureInfo.InvariantCulture)}\ttabs\t\"double\" 'single' back\\slash $HOME `uname` $(whoami) %PATH% <tag> & | ; ünïcödé 日本語 🙂 \\n\n";
            text.Append(line);
            bytes += Encoding.UTF8.GetByteCount(line);
        }

        return text.ToString();
    }
}
