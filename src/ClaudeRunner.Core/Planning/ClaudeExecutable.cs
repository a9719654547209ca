namespace ClaudeRunner;

/// <summary>Finds the claude executable before anything runs, so a missing CLI fails every prompt at once with advice.</summary>
internal static class ClaudeExecutable
{
    /// <summary>How to get claude, for every message about a claude that cannot run.</summary>
    public const string InstallAdvice =
        "Install Claude Code with `npm install -g @anthropic-ai/claude-code` and log in with `claude` (or set ANTHROPIC_API_KEY), "
        + "or point ClaudePath (--claude) at the claude executable.";

    /// <summary>The full path of <paramref name="claudePath"/>, or an error message.</summary>
    /// <param name="claudePath">A path, or a name to look up on PATH.</param>
    /// <param name="baseDirectory">What a relative path is relative to.</param>
    /// <param name="searchPath">The directories to look in; null: the PATH environment variable.</param>
    public static (string? Path, string? Error) Resolve(string claudePath, string baseDirectory, string? searchPath = null)
    {
        if (claudePath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || claudePath.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(claudePath, baseDirectory);
            return File.Exists(full) ? (full, null) : (null, $"claude was not found at '{full}'. {InstallAdvice}");
        }

        var extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE").Split(';', StringSplitOptions.RemoveEmptyEntries).Prepend(string.Empty)
            : [string.Empty];
        foreach (var directory in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, claudePath + extension);
                if (File.Exists(candidate) && IsExecutable(candidate))
                {
                    return (candidate, null);
                }
            }
        }

        return (null, $"'{claudePath}' was not found on PATH. {InstallAdvice}");
    }

    /// <summary>Whether a shell would run <paramref name="path"/>: on Unix a file without an execute bit is skipped and the search goes on.</summary>
    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
