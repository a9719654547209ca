using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeRunner.Tests;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>What one prompt of a scenario must end as, in any front end.</summary>
/// <param name="Id">The prompt's id (every scenario prompt has an explicit id).</param>
/// <param name="Outcome">Its final outcome.</param>
/// <param name="Attempts">How many times the runner started claude for it.</param>
/// <param name="MessageContains">A fragment its result message must contain (what a front end shows the user), if any.</param>
public sealed record ExpectedPrompt(string Id, Outcome Outcome, int Attempts, string? MessageContains = null);

/// <summary>One engine run of a scenario: the summary, every event, and the wall time.</summary>
/// <param name="Summary">What <see cref="ClaudeRunnerEngine.RunAsync"/> returned.</param>
/// <param name="Events">The events, in order.</param>
/// <param name="Elapsed">From the call to its return.</param>
public sealed record EngineRun(RunSummary Summary, IReadOnlyList<RunEvent> Events, TimeSpan Elapsed)
{
    /// <summary>The result row of prompt <paramref name="id"/>.</summary>
    public PromptResult Result(string id) => Summary.Results.Single(r => r.Id == id);

    /// <summary>The events of type <typeparamref name="T"/>.</summary>
    public IEnumerable<T> EventsOf<T>()
        where T : RunEvent => Events.OfType<T>();
}

/// <summary>
/// One end-to-end scenario against the real claude: a started <see cref="MockAnthropicApi"/> scripted for it,
/// a <see cref="ClaudeEnvironment"/>, a prompts file, and what the run must leave behind
/// (<see cref="Expected"/>). Everything prompt-level (the claude environment, working directory, timeout,
/// retries, max turns) is in the prompts file, so any front end runs the same scenario given only
/// <see cref="PromptsFile"/>, <see cref="ClaudePath"/>, <see cref="MaxParallel"/> and <see cref="LogDirectory"/>,
/// and is checked with the same <see cref="AssertRunAsExpectedAsync"/>. Build one with <see cref="RealClaudeScenarios"/>.
/// </summary>
public sealed class RealClaudeScenario : IAsyncDisposable
{
    /// <summary>
    /// The variable every prompt of a scenario carries (value <see cref="ProcessMarker"/>), and with it
    /// every process claude starts: how <see cref="AssertNoProcessLeftAsync"/> finds survivors in /proc.
    /// </summary>
    public const string MarkerVariable = "CLAUDE_RUNNER_E2E_SCENARIO";

    /// <summary>The engine's backoff in these scenarios (the first retry waits 0.1–0.2 s).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The engine's grace period between SIGTERM and killing the tree in these scenarios.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(2);

    /// <summary>The longest a scenario's run may take before the test gives up.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(240);

    private RealClaudeScenario(MockAnthropicApi mock, ClaudeEnvironment environment)
    {
        Mock = mock;
        Environment = environment;
        ProcessMarker = Guid.NewGuid().ToString("N");
        var variables = environment.Variables.ToDictionary(
            v => v.Key,
            v => v.Value ?? string.Empty,
            StringComparer.Ordinal);
        variables[MarkerVariable] = ProcessMarker;
        PromptEnvironment = variables;
    }

    /// <summary>The mock API the scenario's claude processes talk to.</summary>
    public MockAnthropicApi Mock { get; }

    /// <summary>The fresh HOME, config and working directories (under <see cref="Directory"/>).</summary>
    public ClaudeEnvironment Environment { get; }

    /// <summary>The scenario's scratch directory: <c>prompts.json</c>, <c>logs/</c>, <c>home/</c>, <c>work/</c>; deleted on dispose.</summary>
    public string Directory => Environment.RootDirectory;

    /// <summary>The prompts file (written by <see cref="WritePrompts"/>).</summary>
    public string PromptsFile => Path.Combine(Directory, "prompts.json");

    /// <summary>Where the run writes its logs and reports.</summary>
    public string LogDirectory => Path.Combine(Directory, "logs");

    /// <summary>The summary the run writes (the default name in <see cref="LogDirectory"/>).</summary>
    public string SummaryFile => Path.Combine(LogDirectory, "summary.json");

    /// <summary>The real claude executable.</summary>
    public static string ClaudePath => RealClaude.Path;

    /// <summary>The parallelism the scenario is meant to run with.</summary>
    public int MaxParallel { get; private set; } = RunRequest.DefaultMaxParallel;

    /// <summary>The unique value of <see cref="MarkerVariable"/> in this scenario.</summary>
    public string ProcessMarker { get; }

    /// <summary>
    /// The variables every prompt gets (the prompts file's <c>defaults.env</c>): <see cref="ClaudeEnvironment.Variables"/>
    /// plus <see cref="MarkerVariable"/>. The prompts format can only set variables, not remove inherited ones, so
    /// a variable <see cref="ClaudeEnvironment"/> removes (value <see langword="null"/>) is set to the empty string:
    /// the CLI reads an empty value as unset (measured for <c>IS_SANDBOX</c>, which the machine these tests were
    /// written on sets; the root scenario proves it). A CI runner normally has no other such variable set.
    /// </summary>
    public IReadOnlyDictionary<string, string> PromptEnvironment { get; }

    /// <summary>What each prompt must end as.</summary>
    public IReadOnlyList<ExpectedPrompt> Expected { get; private set; } = [];

    /// <summary>Whether the run must fail (a build fails, a CLI exits 1, Cake throws).</summary>
    public bool RunFails => Expected.Any(e => e.Outcome != Outcome.Succeeded);

    /// <summary>The prompts that must fail: each front end must name every one of them.</summary>
    public IEnumerable<ExpectedPrompt> ExpectedFailures => Expected.Where(e => e.Outcome != Outcome.Succeeded);

    /// <summary>The closing line every front end prints for the expected outcomes: "All 8 prompts succeeded", "1 of 2 prompts failed".</summary>
    public string ExpectedHeadline
    {
        get
        {
            var prompts = Expected.Count == 1 ? "prompt" : "prompts";
            var failed = ExpectedFailures.Count();
            return failed == 0 ? $"All {Expected.Count} {prompts} succeeded" : $"{failed} of {Expected.Count} {prompts} failed";
        }
    }

    /// <summary>Starts the mock and creates the claude environment with <paramref name="options"/>; then script the mock and call <see cref="WritePrompts"/>.</summary>
    public static async Task<RealClaudeScenario> StartAsync(ClaudeEnvironmentOptions options)
    {
        var mock = await MockAnthropicApi.StartAsync().ConfigureAwait(false);
        return new RealClaudeScenario(mock, ClaudeEnvironment.Create(mock, options));
    }

    /// <summary>
    /// Writes <see cref="PromptsFile"/>: <paramref name="defaults"/> with <c>env</c> = <see cref="PromptEnvironment"/>
    /// and <c>workingDirectory</c> = the environment's empty working directory (no CLAUDE.md, no repository above
    /// the test binaries), and <paramref name="prompts"/>; records what they must end as.
    /// </summary>
    public void WritePrompts(JsonObject defaults, IReadOnlyList<JsonNode> prompts, IReadOnlyList<ExpectedPrompt> expected, int maxParallel = RunRequest.DefaultMaxParallel)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        defaults["workingDirectory"] = Path.GetRelativePath(Directory, Environment.WorkingDirectory);
        defaults["env"] = new JsonObject(PromptEnvironment.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));
        var file = new JsonObject
        {
            ["defaults"] = defaults,
            ["prompts"] = new JsonArray([.. prompts]),
        };
        File.WriteAllText(PromptsFile, file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Expected = expected;
        MaxParallel = maxParallel;
    }

    /// <summary>The engine's request for this scenario, as a front end would build it from the same inputs.</summary>
    /// <param name="time">The run's clock (timeouts, grace period, backoff, durations); the system clock when null.</param>
    public RunRequest EngineRequest(TimeProvider? time = null) => new()
    {
        TimeProvider = time ?? TimeProvider.System,
        Sources = [PromptSource.FromFile(PromptsFile)],
        BaseDirectory = Directory,
        ClaudePath = ClaudePath,
        MaxParallel = MaxParallel,
        LogDirectory = LogDirectory,
        RetryDelay = RetryDelay,
        MaxRetryDelay = RetryDelay * 4,
        GracePeriod = GracePeriod,
    };

    /// <summary>
    /// Runs the scenario through <see cref="ClaudeRunnerEngine.RunAsync"/>, on <paramref name="time"/> if given (a test
    /// that moves the clock itself); <paramref name="log"/> receives <see cref="Describe"/> of the run.
    /// </summary>
    public async Task<EngineRun> RunEngineAsync(Action<string>? log = null, TimeProvider? time = null)
    {
        var events = new EventList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var summary = await ClaudeRunnerEngine.RunAsync(EngineRequest(time), events).WaitAsync(RunLimit).ConfigureAwait(false);
        var run = new EngineRun(summary, events.Events, clock.Elapsed);
        log?.Invoke(Describe(run));
        return run;
    }

    /// <summary>
    /// What every run of a scenario, through any front end, must leave: no process of it alive
    /// (<see cref="AssertNoProcessLeftAsync"/>), the expected <see cref="SummaryFile"/> (returned for more
    /// checks, see <see cref="AssertSummaryFile"/>) and logs (<see cref="AssertLogs"/>).
    /// </summary>
    public async Task<JsonElement> AssertRunAsExpectedAsync()
    {
        await AssertNoProcessLeftAsync().ConfigureAwait(false);
        var summary = AssertSummaryFile();
        AssertLogs();
        return summary;
    }

    /// <summary>
    /// Checks <see cref="SummaryFile"/> against <see cref="Expected"/> (id, outcome, attempts, message) and
    /// returns it for more checks. Any front end must leave the same file.
    /// </summary>
    public JsonElement AssertSummaryFile()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SummaryFile));
        var root = document.RootElement.Clone();
        var rows = root.GetProperty("prompts").EnumerateArray().ToList();
        Assert.Equal(Expected.Select(e => e.Id), rows.Select(r => r.GetProperty("id").GetString()));
        foreach (var (expected, row) in Expected.Zip(rows))
        {
            var what = $"prompt '{expected.Id}' in {SummaryFile}: {row}";
            Assert.True(expected.Outcome.ToString() == row.GetProperty("outcome").GetString(), $"Expected {expected.Outcome}, {what}{System.Environment.NewLine}{Mock.Describe()}");
            Assert.True(expected.Attempts == row.GetProperty("attempts").GetInt32(), $"Expected {expected.Attempts} attempt(s), {what}");
            if (expected.MessageContains is { } fragment)
            {
                Assert.Contains(fragment, row.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }

        var totals = root.GetProperty("totals");
        Assert.Equal(Expected.Count, totals.GetProperty("prompts").GetInt32());
        Assert.Equal(Expected.Count(e => e.Outcome != Outcome.Succeeded), totals.GetProperty("failed").GetInt32());
        return root;
    }

    /// <summary>
    /// Checks the per-prompt logs: each prompt that ran has a readable log recording its last attempt's
    /// number and outcome and the command (the prompt on stdin, not in argv), and no log holds the API key.
    /// </summary>
    public void AssertLogs()
    {
        foreach (var expected in Expected.Where(e => e.Attempts > 0))
        {
            var log = File.ReadAllText(Path.Combine(LogDirectory, expected.Id + ".log"));
            Assert.Contains($"=== attempt {expected.Attempts} of ", log, StringComparison.Ordinal);
            Assert.Contains($"outcome:   {expected.Outcome}: ", log, StringComparison.Ordinal);
            Assert.Contains(" -p --output-format stream-json --verbose", log, StringComparison.Ordinal);
            Assert.Contains(" < prompt", log, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(LogDirectory, expected.Id + ".jsonl")), $"No stream log for '{expected.Id}'.");
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(LogDirectory))
        {
            Assert.DoesNotContain(ClaudeEnvironment.ApiKey, File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    /// <summary>The run's headline, each prompt's outcome and message, and the mock's requests, for test output.</summary>
    public string Describe(EngineRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var text = new System.Text.StringBuilder()
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{run.Summary.Headline} in {run.Elapsed.TotalSeconds:0.0} s");
        foreach (var result in run.Summary.Results)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {result.Id}: {result.Outcome} after {result.Attempts} attempt(s): {result.Message}");
        }

        return text.AppendLine("mock requests:").Append(Mock.Describe()).ToString();
    }

    /// <summary>The readable log of prompt <paramref name="id"/>.</summary>
    public string ReadLog(string id) => File.ReadAllText(Path.Combine(LogDirectory, id + ".log"));

    /// <summary>
    /// Asserts that no process of this scenario (claude, or anything it started: they all inherit
    /// <see cref="MarkerVariable"/>) is alive. Polls briefly: a process SIGKILLed a moment ago may
    /// not have been torn down yet.
    /// </summary>
    public async Task AssertNoProcessLeftAsync()
    {
        var needle = $"{MarkerVariable}={ProcessMarker}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        IReadOnlyList<int> alive;
        while ((alive = ProcessProbe.WithEnvironment(needle)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        Assert.True(alive.Count == 0, $"Processes of the scenario outlived the run: {string.Join(", ", alive.Select(DescribeProcess))}");
    }

    /// <summary>Stops the mock and deletes the scratch directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await Mock.DisposeAsync().ConfigureAwait(false);
        Environment.Dispose();
    }

    private static string DescribeProcess(int pid)
    {
        try
        {
            return $"{pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()})";
        }
        catch (IOException)
        {
            return pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The engine serializes observer calls, and the list is read only after the run returns.</summary>
    private sealed class EventList : IRunObserver
    {
        public List<RunEvent> Events { get; } = [];

        public void OnEvent(RunEvent runEvent) => Events.Add(runEvent);
    }
}
