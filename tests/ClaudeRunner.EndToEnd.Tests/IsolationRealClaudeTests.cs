using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>Worktree isolation with the REAL claude: its Bash tool writes in the attempt's worktree, and the change comes back through the patch.</summary>
[Trait("Category", "RealClaude")]
public sealed class IsolationRealClaudeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_file_claude_writes_with_its_Bash_tool_lands_in_the_worktree_then_in_the_main_tree_through_the_patch()
    {
        await using var scenario = await RealClaudeScenarios.IsolatedToolWriteAsync();
        var repository = scenario.Environment.WorkingDirectory;
        var before = ScratchGit.Worktrees(repository);

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        var result = run.Result("isolated");
        Assert.Equal([$"A {RealClaudeScenarios.IsolatedFile}"], result.Changes!.Files.Select(f => f.ToString()));
        Assert.True(result.Changes.Applied);
        Assert.Equal("written in the worktree\n", File.ReadAllText(Path.Combine(repository, RealClaudeScenarios.IsolatedFile)));
        // The Bash tool ran in the worktree, not in the main tree: the tool result the mock got back names no error,
        // and the worktree (under the log directory, which is outside the repository) is gone.
        Assert.Contains(Path.Combine(scenario.LogDirectory, "worktrees", "isolated.1"), scenario.ReadLog("isolated"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(scenario.LogDirectory, "worktrees")));
        Assert.Equal(before, ScratchGit.Worktrees(repository));
    }
}
