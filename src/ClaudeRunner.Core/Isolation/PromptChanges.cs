namespace ClaudeRunner;

/// <summary>What a prompt with worktree isolation changed in its last attempt: the patch beside its logs and the files in it.</summary>
/// <param name="PatchFile">The <c>&lt;id&gt;.patch</c> file: <c>git diff --binary</c> against the worktree's base (empty when nothing changed).</param>
/// <param name="Files">Each changed file, paths relative to the repository's top, <c>/</c>-separated.</param>
public sealed record PromptChanges(string PatchFile, IReadOnlyList<ChangedFile> Files)
{
    /// <summary>Whether the patch was applied to the main working tree.</summary>
    public bool Applied { get; init; }
}

/// <summary>One file of a <see cref="PromptChanges"/>.</summary>
/// <param name="Status">git's letter: <c>A</c> added, <c>M</c> modified, <c>D</c> deleted, <c>R</c> renamed, <c>T</c> type changed.</param>
/// <param name="Path">The file's path (after a rename, the new one).</param>
/// <param name="From">The path before a rename; null otherwise.</param>
public sealed record ChangedFile(string Status, string Path, string? From = null)
{
    /// <inheritdoc />
    public override string ToString() => From is null ? $"{Status} {Path}" : $"{Status} {From} -> {Path}";
}
