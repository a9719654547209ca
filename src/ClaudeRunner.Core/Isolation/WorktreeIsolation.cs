namespace ClaudeRunner;

/// <summary>
/// How a prompt with <c>isolation: worktree</c> runs: in a fresh git worktree of <see cref="Repository"/> per attempt,
/// at <see cref="RelativeDirectory"/> inside it (where its working directory is in the main tree).
/// </summary>
/// <param name="Repository">The top of the main working tree of the repository that holds the prompt's working directory.</param>
/// <param name="RelativeDirectory">The working directory relative to <paramref name="Repository"/>; <c>.</c> at the top.</param>
/// <param name="ApplyChanges">Whether the patch of a successful prompt is applied to the main working tree after the run.</param>
public sealed record WorktreeIsolation(string Repository, string RelativeDirectory, bool ApplyChanges)
{
    /// <summary>The isolation mode of today's behaviour: claude works in the working directory itself.</summary>
    public const string None = "none";

    /// <summary>The isolation mode that gives each attempt its own git worktree.</summary>
    public const string Worktree = "worktree";
}
