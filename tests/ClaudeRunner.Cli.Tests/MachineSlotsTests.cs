using System.Globalization;

namespace ClaudeRunner.Tests;

/// <summary>One budget of claude processes for every run of the user on the machine, across claude-runner processes.</summary>
public sealed class MachineSlotsTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Two_runs_at_once_never_have_more_claudes_alive_than_the_machines_limit()
    {
        var environment = MachineEnvironment(limit: 3);
        _scratch.WriteFile("one/prompts.json", Prompts("one"));
        _scratch.WriteFile("two/prompts.json", Prompts("two"));

        using var one = Start("one", environment);
        using var two = Start("two", environment);
        var results = await Task.WhenAll(one.WaitAsync(), two.WaitAsync());

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(12, _scratch.Invocations().Count);
        Assert.InRange(_scratch.MaxConcurrency(), 1, 3);
        Assert.Contains(results, r => r.Output.Contains("is waiting for a machine slot: 3 of 3 in use", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_slots_of_a_killed_run_come_back()
    {
        var environment = MachineEnvironment(limit: 1);
        _scratch.WriteFile("stuck/prompts.json", """{ "prompts": ["@fake hang"] }""");
        _scratch.WriteFile("next/prompts.json", """{ "prompts": ["@fake\nafter the kill"] }""");
        using var stuck = Start("stuck", environment);
        await _scratch.WaitForReadyAsync(1);

        stuck.Signal("KILL");
        await stuck.WaitAsync();
        var next = await Start("next", environment).WaitAsync();

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.DoesNotContain("waiting for a machine slot", next.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_in_the_environment_that_is_not_a_whole_number_is_an_input_error_and_nothing_runs()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": ["@fake"] }""");
        var environment = new Dictionary<string, string>(_scratch.Environment) { ["CLAUDE_RUNNER_MACHINE_MAX_PARALLEL"] = "lots" };

        var result = await CliProcess.RunAsync(_scratch.Directory, environment, null, "prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("The environment variable CLAUDE_RUNNER_MACHINE_MAX_PARALLEL is 'lots': it must be a whole number of at least 1, or unset.", result.Error, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    private static string Prompts(string run) =>
        "{ \"prompts\": [" + string.Join(", ", Enumerable.Range(1, 6).Select(i => $"\"@fake sleep=300\\n{run} {i.ToString(CultureInfo.InvariantCulture)}\"")) + "] }";

    private Dictionary<string, string> MachineEnvironment(int limit) => new(_scratch.Environment)
    {
        ["CLAUDE_RUNNER_MACHINE_MAX_PARALLEL"] = limit.ToString(CultureInfo.InvariantCulture),
        ["CLAUDE_RUNNER_MACHINE_SLOT_DIR"] = Path.Combine(_scratch.Directory, "machine-slots"),
    };

    private CliProcess Start(string directory, Dictionary<string, string> environment) =>
        CliProcess.Start(Path.Combine(_scratch.Directory, directory), environment, null, "prompts.json", "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0", "--max-parallel", "4", "--no-adaptive");
}
