using System.Diagnostics;
using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>
/// SIGTERM to a `dotnet build` process never reaches <c>ICancelableTask.Cancel</c>: the task's own signal
/// handling must stop claude and write the summary before the build process goes.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SigtermTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sigterm_to_dotnet_build_stops_every_claude_and_still_writes_the_summary(bool isolated)
    {
        var worktreesBefore = string.Empty;
        if (isolated)
        {
            _scratch.WriteFile("a.txt", "one\n");
            ScratchGit.InitWithCommit(_scratch.Directory);
            worktreesBefore = ScratchGit.Worktrees(_scratch.Directory);
        }

        var project = new InProcessBuild(_scratch.Directory).WithProject($"""
              <ItemGroup>
                <ClaudePrompt Include="first" Prompt="@fake hang grandchild" />
                <ClaudePrompt Include="second" Prompt="@fake hang grandchild" />
              </ItemGroup>
              <Target Name="Build">
                <RunClaudeParallel Prompts="@(ClaudePrompt)" GracePeriod="1s" Isolation="{(isolated ? "worktree" : "none")}" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).ProjectFile;
        var start = new ProcessStartInfo("dotnet", ["build", project, "-nr:false", "-tl:off"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var build = Process.Start(start)!;
        var output = build.StandardOutput.ReadToEndAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (_scratch.Invocations().Count(i => i.GrandchildPid is not null) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline && !build.HasExited, "both claude processes should have started: " + (build.HasExited ? await output : string.Empty));
                await Task.Delay(50);
            }

            using (var kill = Process.Start("kill", ["-TERM", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await build.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!build.HasExited)
            {
                build.Kill(entireProcessTree: true);
            }
        }

        foreach (var invocation in _scratch.Invocations())
        {
            Assert.False(ProcessProbe.IsAlive(invocation.Pid), $"claude {invocation.Pid} outlived the build");
            Assert.False(ProcessProbe.IsAlive(invocation.GrandchildPid!.Value), $"grandchild {invocation.GrandchildPid} outlived the build");
        }

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_scratch.Directory, "obj", "claude", "summary.json")));
        Assert.True(summary.RootElement.GetProperty("cancelled").GetBoolean());
        Assert.Equal(["Cancelled", "Cancelled"], summary.RootElement.GetProperty("prompts").EnumerateArray().Select(p => p.GetProperty("outcome").GetString()));
        if (isolated)
        {
            // No worktree outlives the build, whose process the signal ends once the run stopped.
            Assert.Equal(worktreesBefore, ScratchGit.Worktrees(_scratch.Directory));
        }
    }
}
