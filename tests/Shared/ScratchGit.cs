using System.Diagnostics;

namespace ClaudeRunner.Tests;

/// <summary>The real git (from PATH) on a scratch directory: a repository for the tests of changedSince and worktree isolation.</summary>
public static class ScratchGit
{
    /// <summary>Runs git in <paramref name="directory"/> and returns its stdout; fails the test when git fails.</summary>
    public static string Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEndAsync();
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error.Result}");
        return output;
    }

    /// <summary>Makes <paramref name="directory"/> a repository whose first commit holds its files; the scratch's own folders are ignored.</summary>
    public static void InitWithCommit(string directory)
    {
        File.WriteAllText(Path.Combine(directory, ".gitignore"), "logs/\nrecords/\nstate/\nclaude-logs/\n");
        Run(directory, "init", "-q", "-b", "main");
        Run(directory, "add", "--all");
        Run(directory, "commit", "-q", "-m", "base");
    }

    /// <summary>The repository's worktrees, as <c>git worktree list --porcelain</c> shows them.</summary>
    public static string Worktrees(string directory) => Run(directory, "worktree", "list", "--porcelain");
}
