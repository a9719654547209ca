namespace ClaudeRunner.Tests;

/// <summary>
/// What a run holds for the prompts that have not started: nothing but their plan. A prompt gets its PromptRun (its
/// attempts' state, its async method) only once the scheduler admitted its first attempt, so a run of 100,000 prompts
/// does not hold 100,000 of them while 8 run (bench/README.md, "Memory per prompt in a run", has the figures).
/// </summary>
public sealed class PromptAdmissionTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task No_prompt_gets_its_PromptRun_before_the_scheduler_admits_it()
    {
        var prompts = Enumerable.Range(0, 30).Select(i => $"prompt {i}").ToArray();
        var plan = ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 2, AdaptiveConcurrency = false });
        var observer = new AdmissionObserver();
        var run = new Run(plan, observer);
        observer.Watch(run);

        var summary = await run.ExecuteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(summary.Results, r => Assert.Equal(Outcome.Succeeded, r.Outcome));
        Assert.True(observer.Checks >= 60, $"checked at every start and finish ({observer.Checks} checks)");
        Assert.Empty(observer.Ahead);
        Assert.Equal((30, 30), (run.PromptRunsMade, run.PromptsAdmitted));
    }

    [Fact]
    public async Task The_prompts_that_never_start_get_their_rows_without_a_PromptRun()
    {
        var prompts = new[] { "@fake is_error\nfirst" }.Concat(Enumerable.Range(0, 9).Select(i => $"later {i}")).ToArray();
        var plan = ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 1, FailFast = true });
        var run = new Run(plan, null);

        var summary = await run.ExecuteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(10, summary.Results.Count);
        Assert.Equal(Outcome.Failed, summary.Results[0].Outcome);
        Assert.All(summary.Results.Skip(1), r => Assert.True(r.NeverStarted, r.Message));
        Assert.Equal((1, 1), (run.PromptRunsMade, run.PromptsAdmitted));
    }

    /// <summary>At every prompt's start and finish, records a moment when more PromptRuns existed than prompts were admitted.</summary>
    private sealed class AdmissionObserver : IRunObserver
    {
        private Run? _run;

        public List<string> Ahead { get; } = [];

        public int Checks { get; private set; }

        public void Watch(Run run) => _run = run;

        public void OnEvent(RunEvent runEvent)
        {
            if (runEvent is not (PromptStarted or PromptFinished) || _run is not { } run)
            {
                return;
            }

            Checks++;
            // Made first, admitted second: a PromptRun made before its admission shows even if an admission comes between.
            var made = run.PromptRunsMade;
            var admitted = run.PromptsAdmitted;
            if (made > admitted)
            {
                Ahead.Add($"{made} PromptRuns made for {admitted} prompts admitted, at {runEvent.GetType().Name}");
            }
        }
    }
}
