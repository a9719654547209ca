using System.Globalization;

namespace ClaudeRunner.Tests;

/// <summary>
/// Packs ClaudeRunner.Cli, installs it as a .NET tool from a folder feed, and runs the installed
/// `claude-runner` with FakeClaude as claude. Slow (a pack and an install): the only test of its kind.
/// The pack packages the build under test (<c>--no-build</c>) under a version unique to this run, so the
/// install can only come from this run's package.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ToolPackageTests : IDisposable
{
    private static readonly string Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_packed_tool_installs_and_runs_prompts_with_the_documented_exit_codes()
    {
        var feed = Path.Combine(_scratch.Directory, "feed");
        var pack = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, "pack", "src/ClaudeRunner.Cli", "--no-build", "-c", DotnetCli.Configuration, "-o", feed, $"-p:Version={Version}", "-nr:false");
        Assert.True(pack.ExitCode == 0, pack.Output);
        var tools = Path.Combine(_scratch.Directory, "tools");
        var install = await DotnetCli.RunAsync(_scratch.Directory, "tool", "install", "ClaudeRunner.Cli", "--tool-path", tools, "--add-source", feed, "--version", Version);
        Assert.True(install.ExitCode == 0, install.Output);
        var tool = Path.Combine(tools, OperatingSystem.IsWindows() ? "claude-runner.exe" : "claude-runner");
        // Installed from this run's package (its version exists nowhere else)…
        Assert.True(Directory.Exists(Path.Combine(tools, ".store", "clauderunner.cli", Version)), install.Output);

        // …and it is the build under test: it prints the version of the claude-runner beside the tests.
        using (var expected = CliProcess.Start(_scratch, null, "--version"))
        using (var version = CliProcess.StartExecutable(tool, _scratch.Directory, _scratch.Environment, null, "--version"))
        {
            var built = await expected.WaitAsync();
            var result = await version.WaitAsync();
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(0, built.ExitCode);
            Assert.False(string.IsNullOrWhiteSpace(built.Output), built.ToString());
            Assert.Equal(built.Output.Trim(), result.Output.Trim());
        }

        var prompts = _scratch.WriteFile("prompts.json", """{ "prompts": [ "first", { "id": "broken", "prompt": "@fake is_error" } ] }""");
        using var run = CliProcess.StartExecutable(tool, _scratch.Directory, _scratch.Environment, null, prompts, "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");
        var failed = await run.WaitAsync();
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("1 of 2 prompts failed", failed.Output, StringComparison.Ordinal);
        Assert.Contains("broken: Failed", failed.Output, StringComparison.Ordinal);
        Assert.Equal(2, _scratch.Invocations().Count);
    }
}
