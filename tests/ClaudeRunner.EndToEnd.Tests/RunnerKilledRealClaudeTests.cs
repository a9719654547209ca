using System.Text.Json.Nodes;
using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// A runner killed with SIGKILL (no code of ours runs) with the REAL claude in the middle of a Bash tool call: the
/// parent-death signal reaches claude, and claude's own SIGTERM handling ends the command its tool runs (README,
/// "What happens to claude's processes").
/// </summary>
[Trait("Category", "RealClaude")]
public sealed class RunnerKilledRealClaudeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SIGKILL_of_the_CLI_while_claudes_Bash_tool_runs_ends_claude_and_the_tools_command()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // The parent-death signal is Linux's.
        }

        await using var scenario = await RealClaudeScenario.StartAsync(new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 0 });
        // A command that waits until killed (claude's Bash tool refuses a long sleep), and no other test runs.
        var command = $"tail -f -s {Random.Shared.Next(100, 999)} /dev/null";
        scenario.Mock.When(RealClaudeScenarios.Marker("orphaned"), MockBehaviour.ToolUseThenReply(MockResponse.Bash(command), "Slept."));
        scenario.WritePrompts(
            new JsonObject { ["retries"] = 0, ["timeout"] = "240s" },
            [new JsonObject { ["id"] = "orphaned", ["prompt"] = $"Sleep. {RealClaudeScenarios.Marker("orphaned")}" }],
            [new ExpectedPrompt("orphaned", Outcome.Cancelled, 1)]);

        using var cli = CliProcess.Start(
            scenario.Directory, new Dictionary<string, string>(), null, scenario.PromptsFile,
            "--claude", RealClaudeScenario.ClaudePath, "--log-dir", scenario.LogDirectory);
        var needle = $"{RealClaudeScenario.MarkerVariable}={scenario.ProcessMarker}";
        // The tool's command runs: claude is in the middle of a tool call (waited for, not raced).
        Assert.True(
            await WaitUntilAsync(() => ProcessProbe.WithEnvironment(needle).Any(pid => CommandLine(pid).Contains(command, StringComparison.Ordinal)) || scenario.Mock.Requests.Count > 1, RealClaudeScenario.RunLimit)
            && scenario.Mock.Requests.Count == 1,
            $"The tool's command never ran.\n{scenario.Mock.Describe()}");
        output.WriteLine($"the run's processes: {Describe(needle)}");

        cli.Signal("KILL");
        var result = await cli.WaitAsync();

        Assert.Equal(137, result.ExitCode);
        try
        {
            // claude gets SIGTERM from the kernel as the runner's last thread goes, and ends its tool's command before it exits.
            Assert.True(
                await WaitUntilAsync(() => ProcessProbe.WithEnvironment(needle).Count == 0, TimeSpan.FromSeconds(30)),
                $"Processes of the run outlived it: {Describe(needle)}");
        }
        finally
        {
            // What outlived it must not outlive the test too.
            foreach (var pid in ProcessProbe.WithEnvironment(needle))
            {
                using var left = System.Diagnostics.Process.GetProcessById(pid);
                left.Kill();
            }
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static string Describe(string needle) =>
        string.Join(", ", ProcessProbe.WithEnvironment(needle).Select(pid => $"{pid} {CommandLine(pid)}"));

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
