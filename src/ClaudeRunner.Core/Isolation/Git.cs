using System.Globalization;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// The user's git (from PATH), asked through <see cref="OneShotProcess"/> with argument lists, never a shell. Used by
/// <c>changedSince</c> and by worktree isolation, which needs <see cref="MinimumVersion"/> (docs/isolation.md says why).
/// </summary>
internal static partial class Git
{
    /// <summary>
    /// The oldest git worktree isolation works with: <c>git worktree remove</c> came in 2.17
    /// (<c>worktree add --detach</c>, <c>worktree prune</c> and <c>apply</c> of binary patches are older).
    /// </summary>
    public static readonly Version MinimumVersion = new(2, 17);

    // Far longer than any of our git commands takes (a checkout of a large tree included); a git that hangs (a lock,
    // a credential prompt) must not hang the run.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The variables that point git at a repository other than the one around its working directory (what
    /// <c>git rev-parse --local-env-vars</c> lists). A git hook sets some of them (<c>GIT_DIR</c>, <c>GIT_INDEX_FILE</c>), so a
    /// build started from a hook would otherwise add worktrees to, and apply patches through, whatever they name.
    /// </summary>
    public static IReadOnlyList<string> RepositoryVariables { get; } =
    [
        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY",
        "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS",
        "GIT_REPLACE_REF_BASE", "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
    ];

    /// <summary>Runs git in <paramref name="directory"/>; null when git could not be started or did not end in time.</summary>
    public static OneShotResult? Run(string directory, params string[] arguments) =>
        OneShotProcess.Run("git", arguments, directory, Limit, RepositoryVariables);

    /// <summary>Runs git in <paramref name="directory"/>; with <paramref name="standardOutput"/>, its stdout's bytes go there; a cancel kills it.</summary>
    public static Task<OneShotResult?> RunAsync(string directory, IEnumerable<string> arguments, Stream? standardOutput = null, CancellationToken cancellation = default) =>
        OneShotProcess.RunAsync("git", arguments, directory, Limit, RepositoryVariables, standardOutput, cancellation);

    /// <summary>Why git cannot isolate prompts in worktrees (missing, or older than <see cref="MinimumVersion"/>); null when it can.</summary>
    public static string? WorktreeProblem()
    {
        var answer = OneShotProcess.Run("git", ["--version"], null, TimeSpan.FromMinutes(1));
        if (answer is not { ExitCode: 0 })
        {
            return $"\"isolation\": \"{WorktreeIsolation.Worktree}\" needs git, and 'git' was not found on PATH (or 'git --version' failed). Install git {MinimumVersion} or later.";
        }

        var match = VersionText().Match(answer.Output);
        var version = match.Success ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)) : null;
        return version is not null && version >= MinimumVersion
            ? null
            : $"\"isolation\": \"{WorktreeIsolation.Worktree}\" needs git {MinimumVersion} or later (for 'git worktree remove'); PATH has '{answer.Output.Trim()}'.";
    }

    /// <summary>
    /// The top of the working tree that holds <paramref name="directory"/> and the directory's path inside it (git's own
    /// answer, so a path through a symbolic link maps right; <c>.</c> at the top), or why worktree isolation cannot use it.
    /// </summary>
    public static (string? Top, string? Prefix, string? Problem) WorkTreeTop(string directory)
    {
        if (Run(directory, "rev-parse", "--show-toplevel", "--show-prefix") is not { ExitCode: 0 } answer
            || answer.Output.Split('\n') is not [{ Length: > 0 } top, var prefix, ..])
        {
            return (null, null, $"\"isolation\": \"{WorktreeIsolation.Worktree}\" needs a git repository, and the working directory '{directory}' is not inside the working tree of one.");
        }

        if (Run(directory, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") is not { ExitCode: 0 })
        {
            return (null, null, $"\"isolation\": \"{WorktreeIsolation.Worktree}\" makes each worktree from HEAD, and the repository at '{top}' has no commit yet.");
        }

        return (Path.GetFullPath(top), prefix.Length == 0 ? "." : prefix.TrimEnd('/'), null);
    }

    // "git version 2.39.5", "git version 2.45.1.windows.1".
    [GeneratedRegex(@"(\d+)\.(\d+)")]
    private static partial Regex VersionText();
}
