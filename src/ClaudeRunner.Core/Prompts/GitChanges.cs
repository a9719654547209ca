namespace ClaudeRunner;

/// <summary>
/// The files of a working tree that differ from a git ref: changed since it (committed, staged or not) or untracked and
/// not ignored — what a pull-request build reviews. Asks the user's git (from PATH) with an argument list, no shell.
/// </summary>
internal static class GitChanges
{
    /// <summary>The changed files under <paramref name="directory"/>, relative to it with <c>/</c>; or why they cannot be known.</summary>
    public static (IReadOnlySet<string>? Files, string? Problem) Since(string directory, string gitRef)
    {
        if (Git.Run(directory, "rev-parse", "--is-inside-work-tree") is not { ExitCode: 0 })
        {
            return (null, $"\"changedSince\" needs a git repository, and '{directory}' is not inside one (or git is not on PATH).");
        }

        if (Git.Run(directory, "rev-parse", "--verify", "--quiet", "--end-of-options", gitRef + "^{commit}") is not { ExitCode: 0 })
        {
            return (null, $"\"changedSince\": '{gitRef}' is not a commit, branch or tag of the repository at '{directory}'.");
        }

        // Against the working tree: commits since the ref, staged and unstaged changes alike. --relative keeps the
        // paths under (and relative to) the directory; -z keeps unusual names intact.
        var changed = Git.Run(directory, "diff", "--name-only", "--relative", "-z", "--end-of-options", gitRef, "--");
        var untracked = Git.Run(directory, "ls-files", "--others", "--exclude-standard", "-z", "--", ".");
        if (changed is not { ExitCode: 0 } || untracked is not { ExitCode: 0 })
        {
            return (null, $"git could not list the changes since '{gitRef}' in '{directory}': {(changed?.Error ?? untracked?.Error)?.Trim()}");
        }

        return (new HashSet<string>(changed.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Concat(untracked.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries)), StringComparer.Ordinal), null);
    }
}
