using System.Collections.Concurrent;

namespace ClaudeRunner;

/// <summary>
/// The worktrees of one run: where they go, each attempt's worktree created and, whatever the attempt's outcome, its
/// changes saved and the worktree removed. Disposing removes whatever is left (a runner failure, a cancel between the
/// steps), so no worktree outlives the run. They go in <c>worktrees</c> under the log directory, or in a directory of
/// this run's own in the system temp directory when the log directory is inside a repository's working tree (a worktree
/// there would show up in that tree: in git status, in the build's globs).
/// </summary>
internal sealed class RunWorktrees : IDisposable
{
    private readonly string? _underLogDirectory;
    private readonly ConcurrentDictionary<AttemptWorktree, bool> _live = new();
    private readonly object _gate = new();
    private string? _directory;
    private bool _temporary;

    public RunWorktrees(RunPlan plan)
    {
        _underLogDirectory = Parent(plan.Request.ResolvedLogDirectory, plan.Prompts.Select(p => p.Isolation?.Repository).OfType<string>());
    }

    /// <summary>
    /// Where a run's worktrees go: <c>worktrees</c> under the log directory, or null for a directory of the run's own
    /// in the system temp directory, when the log directory is inside the working tree of one of the repositories.
    /// </summary>
    public static string? Parent(string logDirectory, IEnumerable<string> repositories) =>
        repositories.Any(repository => IsInside(logDirectory, repository)) ? null : Path.Combine(logDirectory, "worktrees");

    /// <summary>Creates the worktree of attempt <paramref name="attempt"/> of prompt <paramref name="id"/>.</summary>
    /// <exception cref="WorktreeException">git failed, or the run was cancelled while it worked; nothing is left behind.</exception>
    public async Task<AttemptWorktree> CreateAsync(WorktreeIsolation isolation, string id, int attempt, CancellationToken cancellation)
    {
        var directory = Directory();
        var name = $"{id}.{attempt}";
        if (System.IO.Directory.Exists(Path.Combine(directory, name)))
        {
            // Left by a run that was killed (the log directory's lock says none runs now).
            await AttemptWorktree.RemoveAsync(isolation.Repository, Path.Combine(directory, name)).ConfigureAwait(false);
        }

        var worktree = await AttemptWorktree.CreateAsync(isolation, Path.Combine(directory, name), Path.Combine(directory, name + ".base.patch"), cancellation).ConfigureAwait(false);
        _live[worktree] = true;
        return worktree;
    }

    /// <summary>Saves the attempt's changes as <paramref name="patchFile"/>, then removes its worktree, whatever the saving did.</summary>
    /// <exception cref="WorktreeException">git could not read the changes.</exception>
    public async Task<PromptChanges> FinishAsync(AttemptWorktree worktree, string patchFile)
    {
        try
        {
            return await worktree.SaveChangesAsync(patchFile).ConfigureAwait(false);
        }
        finally
        {
            await worktree.RemoveAsync().ConfigureAwait(false);
            _live.TryRemove(worktree, out _);
        }
    }

    /// <summary>Removes every worktree still there, and the run's own temp directory; again, it does nothing.</summary>
    public void Dispose()
    {
        foreach (var worktree in _live.Keys)
        {
            worktree.RemoveAsync().GetAwaiter().GetResult();
        }

        _live.Clear();
        lock (_gate)
        {
            if (_directory is not null && (_temporary || !System.IO.Directory.EnumerateFileSystemEntries(_directory).Any()))
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }

            _directory = null;
        }
    }

    /// <summary>The run's worktree directory, created (owner-only) on first use: a run without isolation makes none.</summary>
    private string Directory()
    {
        lock (_gate)
        {
            if (_directory is null)
            {
                _temporary = _underLogDirectory is null;
                // CreateTempSubdirectory makes a new directory of a random name, 0700 on Unix: nobody else can plant links in it.
                _directory = _underLogDirectory ?? System.IO.Directory.CreateTempSubdirectory("claude-runner-worktrees-").FullName;
                OwnerOnlyFile.CreateDirectory(_directory);
            }

            return _directory;
        }
    }

    private static bool IsInside(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path);
        return relative == "." || (!Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }
}
