using ClaudeRunner.EndToEnd.Tests.Harness;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>The locator's rules (no claude needed).</summary>
public sealed class RealClaudeLocatorTests
{
    [Fact]
    public void RepositoryRoot_IsTheDirectoryWithTheSolution()
    {
        Assert.True(File.Exists(Path.Combine(RealClaude.RepositoryRoot, "ClaudeRunner.sln")));
        Assert.Equal(
            Path.Combine(RealClaude.RepositoryRoot, ".tools", "claude", "node_modules", ".bin", "claude"),
            RealClaude.DefaultInstallPath);
    }

    [Fact]
    public void Override_WinsWhenItExists_AndFailsWhenItDoesNot()
    {
        var existing = typeof(RealClaudeLocatorTests).Assembly.Location;
        var missing = Path.Combine(Path.GetTempPath(), "no-such-claude-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(existing, RealClaude.TryFind(existing, missing));
        Assert.Null(RealClaude.TryFind(missing, existing)); // a wrong override does not fall back
        Assert.Equal(existing, RealClaude.TryFind(null, existing));
        Assert.Equal(existing, RealClaude.TryFind("  ", existing));
        Assert.Null(RealClaude.TryFind(null, missing));
    }

    [Fact]
    public void NotInstalledMessage_SaysHowToInstall()
    {
        Assert.Equal(
            "The real Claude Code CLI is not installed: run `bash .ci/install-claude.sh` " +
            "(installs @anthropic-ai/claude-code@2.1.331 into .tools/claude)",
            new RealClaudeNotInstalledException().Message);
    }

    [Fact]
    public void InstallScript_PinsTheSameVersion()
    {
        var script = File.ReadAllText(Path.Combine(RealClaude.RepositoryRoot, ".ci", "install-claude.sh"));
        Assert.Contains($"CLAUDE_CODE_VERSION:-{RealClaude.PinnedVersion}", script, StringComparison.Ordinal);
    }
}
