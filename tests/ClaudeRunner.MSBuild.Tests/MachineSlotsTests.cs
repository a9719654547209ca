using System.Diagnostics;

namespace ClaudeRunner.Tests;

/// <summary>
/// The machine's budget across MSBuild nodes: <c>dotnet build -m</c> of two projects that each run prompts never has
/// more claudes alive than <c>CLAUDE_RUNNER_MACHINE_MAX_PARALLEL</c>, though each run alone would start four.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MachineSlotsTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Two_projects_built_by_two_nodes_share_the_machines_three_slots()
    {
        foreach (var name in new[] { "one", "two" })
        {
            var directory = Directory.CreateDirectory(Path.Combine(_scratch.Directory, name)).FullName;
            new InProcessBuild(directory).WithProject($"""
                  <ItemGroup>
                    {string.Concat(Enumerable.Range(1, 4).Select(i => $"<ClaudePrompt Include=\"{name}-{i}\" Prompt=\"@fake sleep=400&#10;{name} {i}\" />"))}
                  </ItemGroup>
                  <Target Name="Build">
                    <RunClaudeParallel Prompts="@(ClaudePrompt)" MaxParallel="4" AdaptiveConcurrency="false" {_scratch.FakeClaudeAttributes()} />
                  </Target>
                """);
        }

        _scratch.WriteFile("all.proj", """
            <Project>
              <Target Name="Build">
                <MSBuild Projects="one/test.proj;two/test.proj" BuildInParallel="true" />
              </Target>
            </Project>
            """);
        var start = new ProcessStartInfo("dotnet", ["build", Path.Combine(_scratch.Directory, "all.proj"), "-m:2", "-nr:false", "-tl:off"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["CLAUDE_RUNNER_MACHINE_MAX_PARALLEL"] = "3";
        start.Environment["CLAUDE_RUNNER_MACHINE_SLOT_DIR"] = Path.Combine(_scratch.Directory, "machine-slots");
        using var build = Process.Start(start)!;
        var output = build.StandardOutput.ReadToEndAsync();
        await build.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(build.ExitCode == 0, await output);
        Assert.Equal(8, _scratch.Invocations().Count);
        Assert.InRange(_scratch.MaxConcurrency(), 1, 3);
        Assert.Contains("is waiting for a machine slot: 3 of 3 in use", await output, StringComparison.Ordinal);
    }
}
