namespace ClaudeRunner;

/// <summary>Thrown when git cannot create, read or remove a worktree; the message says what git said.</summary>
internal sealed class WorktreeException(string message) : Exception(message);

/// <summary>
/// The git worktree of one attempt: created detached from HEAD plus the main tree's uncommitted changes to tracked
/// files (so claude sees what the user sees), its changes against that base saved as a patch, then removed.
/// docs/isolation.md tells the steps and why claude's own <c>--worktree</c> is not used.
/// </summary>
internal sealed class AttemptWorktree
{
    // No hook of the repository runs in our worktrees: a post-checkout hook would run once per attempt.
    private static readonly string NoHooks = OperatingSystem.IsWindows() ? "NUL" : "/dev/null";

    private readonly WorktreeIsolation _isolation;
    private string? _base;

    private AttemptWorktree(WorktreeIsolation isolation, string path)
    {
        _isolation = isolation;
        Path = path;
        WorkingDirectory = System.IO.Path.GetFullPath(isolation.RelativeDirectory, path);
    }

    /// <summary>The worktree's top directory.</summary>
    public string Path { get; }

    /// <summary>Where claude runs: the prompt's working directory, mapped into the worktree.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Creates the worktree at <paramref name="path"/> (which must not exist); removes what it made when a step fails.</summary>
    /// <param name="isolation">The prompt's isolation.</param>
    /// <param name="path">Where the worktree goes.</param>
    /// <param name="scratchFile">A file name of the run's own (owner-only) directory for the main tree's uncommitted changes.</param>
    /// <param name="cancellation">The run's cancellation: it stops a checkout that takes long (a large tree), and what was made is removed.</param>
    /// <exception cref="WorktreeException">git failed, or the run was cancelled.</exception>
    public static async Task<AttemptWorktree> CreateAsync(WorktreeIsolation isolation, string path, string scratchFile, CancellationToken cancellation)
    {
        var worktree = new AttemptWorktree(isolation, path);
        try
        {
            await GitAsync(isolation.Repository, ["-c", "core.hooksPath=" + NoHooks, "worktree", "add", "--detach", path, "HEAD"], null, cancellation).ConfigureAwait(false);
            await worktree.AddUncommittedChangesAsync(scratchFile).ConfigureAwait(false);
            // What the prompt's changes are measured against: HEAD plus the user's changes, as a tree (no commit, no branch).
            worktree._base = (await GitAsync(path, "write-tree").ConfigureAwait(false)).Trim();
            Directory.CreateDirectory(worktree.WorkingDirectory);
            return worktree;
        }
        catch
        {
            await worktree.RemoveAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Saves everything changed against the base as <paramref name="patchFile"/> (owner-only, created new) and lists the files.</summary>
    /// <exception cref="WorktreeException">git failed.</exception>
    public async Task<PromptChanges> SaveChangesAsync(string patchFile)
    {
        // The index takes every change, untracked files that are not ignored included, so one diff against the base
        // tree has them all: modified, added, deleted, renamed (-M), binary (--binary).
        await GitAsync(Path, "add", "--all").ConfigureAwait(false);
        using var patch = new MemoryStream();
        await GitAsync(Path, ["diff", "--cached", "--binary", "-M", "--no-color", "--no-ext-diff", _base!], patch).ConfigureAwait(false);
        OwnerOnlyFile.WriteAtomically(patchFile, file => patch.WriteTo(file));
        var names = await GitAsync(Path, "diff", "--cached", "--name-status", "-M", "-z", _base!).ConfigureAwait(false);
        return new PromptChanges(patchFile, ChangedFiles(names));
    }

    /// <summary>Removes the worktree and git's record of it; a directory git could not remove is deleted.</summary>
    public Task RemoveAsync() => RemoveAsync(_isolation.Repository, Path);

    /// <summary>Removes the worktree at <paramref name="path"/> of <paramref name="repository"/> (one a killed run left, too) and git's record of it.</summary>
    public static async Task RemoveAsync(string repository, string path)
    {
        // Twice --force: also a worktree that is locked or has changes.
        await Git.RunAsync(repository, ["worktree", "remove", "--force", "--force", path]).ConfigureAwait(false);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        await Git.RunAsync(repository, ["worktree", "prune"]).ConfigureAwait(false);
    }

    /// <summary>Applies the main tree's uncommitted changes to tracked files (staged or not) to the new worktree.</summary>
    private async Task AddUncommittedChangesAsync(string scratchFile)
    {
        try
        {
            // New (never through a link), in the run's owner-only worktree directory.
            using (var changes = new FileStream(scratchFile, FileMode.CreateNew, FileAccess.Write))
            {
                await GitAsync(_isolation.Repository, ["diff", "--binary", "--no-color", "--no-ext-diff", "HEAD"], changes).ConfigureAwait(false);
            }

            if (new FileInfo(scratchFile).Length > 0)
            {
                await GitAsync(Path, "apply", "--index", "--whitespace=nowarn", scratchFile).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(scratchFile);
        }
    }

    /// <summary>The files of <c>git diff --name-status -z</c>: a status, then one path (two for a rename or copy).</summary>
    private static List<ChangedFile> ChangedFiles(string nameStatus)
    {
        var fields = nameStatus.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var files = new List<ChangedFile>();
        for (var i = 0; i < fields.Length; i++)
        {
            var status = fields[i][..1];
            if (status is "R" or "C")
            {
                files.Add(new ChangedFile(status, fields[i + 2], fields[i + 1]));
                i += 2;
            }
            else
            {
                files.Add(new ChangedFile(status, fields[++i]));
            }
        }

        return files;
    }

    private static Task<string> GitAsync(string directory, params string[] arguments) => GitAsync(directory, arguments, null);

    private static async Task<string> GitAsync(string directory, string[] arguments, Stream? output, CancellationToken cancellation = default)
    {
        var result = await Git.RunAsync(directory, arguments, output, cancellation).ConfigureAwait(false);
        return result is { ExitCode: 0 }
            ? result.Output
            : throw new WorktreeException($"'git {string.Join(' ', arguments)}' in '{directory}' failed: {(result is null ? "git could not be started or did not finish" : result.Error.Trim())}");
    }
}
