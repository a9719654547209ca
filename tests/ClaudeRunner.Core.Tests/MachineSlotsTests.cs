namespace ClaudeRunner.Tests;

/// <summary>
/// The machine-wide budget read through the run's environment reader, in process: the slots another run holds are
/// held here by the test itself (the same flock a second run would take), so the waiting is certain, not a race.
/// </summary>
public sealed class MachineSlotsTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string SlotDirectory => Path.Combine(_scratch.Directory, "machine-slots");

    [Fact]
    public async Task A_run_waits_while_other_runs_hold_every_machine_slot_and_starts_claude_when_one_comes_back()
    {
        var request = FakeRuns.Request(_scratch, "@fake\none", "@fake\ntwo") with
        {
            MaxParallel = 4,
            AdaptiveConcurrency = false,
            EnvironmentVariable = Environment(limit: "2"),
        };
        var observer = new RecordingObserver();
        Directory.CreateDirectory(SlotDirectory);
        var held = new[] { HoldSlot(0), HoldSlot(1) };

        var run = FakeRuns.RunAsync(request, observer);
        await observer.WhenAsync(e => e is WaitingForMachineSlot);
        Assert.Empty(_scratch.Invocations());
        held[0].Dispose();
        var summary = await run;
        held[1].Dispose();

        Assert.True(summary.AllSucceeded);
        Assert.Equal(2, _scratch.Invocations().Count);
        Assert.Equal(1, _scratch.MaxConcurrency());
        Assert.Contains(observer.Events.OfType<WaitingForMachineSlot>(), w => w.Limit == 2);
    }

    [Fact]
    public void The_environments_limit_wins_over_the_option()
    {
        var plan = ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, "@fake") with { MachineMaxParallel = 8, EnvironmentVariable = Environment(limit: "3") });

        Assert.Equal(3, plan.MachineSlots!.Limit);
    }

    [Fact]
    public void Without_a_limit_in_the_option_or_the_environment_there_is_no_machine_budget()
    {
        var plan = ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, "@fake") with { EnvironmentVariable = _ => null });

        Assert.Null(plan.MachineSlots);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    public void A_limit_in_the_environment_that_is_not_a_whole_number_of_at_least_one_is_an_input_error(string value)
    {
        var error = Assert.Throws<InvalidInputException>(() => ClaudeRunnerEngine.Plan(FakeRuns.Request(_scratch, "@fake") with { EnvironmentVariable = Environment(value) }));

        Assert.Contains($"CLAUDE_RUNNER_MACHINE_MAX_PARALLEL is '{value}'", error.Message, StringComparison.Ordinal);
    }

    private Func<string, string?> Environment(string limit) => name => name switch
    {
        MachineSlots.LimitVariable => limit,
        MachineSlots.DirectoryVariable => SlotDirectory,
        _ => null,
    };

    private FileStream HoldSlot(int slot) =>
        new(Path.Combine(SlotDirectory, $"slot-{slot}"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
