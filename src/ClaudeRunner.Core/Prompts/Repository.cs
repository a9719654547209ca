namespace ClaudeRunner;

/// <summary>The git repository a directory is in, found without running git.</summary>
internal static class Repository
{
    /// <summary>The nearest directory at or above <paramref name="directory"/> with a <c>.git</c> (a directory, or a worktree's file), or null.</summary>
    public static string? Root(string directory)
    {
        for (var current = directory; current is not null; current = Path.GetDirectoryName(current))
        {
            if (Path.Exists(Path.Combine(current, ".git")))
            {
                return current;
            }
        }

        return null;
    }
}
