namespace ClaudeRunner;

/// <summary>Finds the claude executable before anything runs, so a missing CLI fails every prompt at once with advice.</summary>
internal static class ClaudeExecutable
{
    /// <summary>How to get claude, for every message about a claude that cannot run.</summary>
    public const string InstallAdvice =
        "Install Claude Code with `npm install -g @anthropic-ai/claude-code` and log in with `claude` (or set ANTHROPIC_API_KEY), "
        + "or point ClaudePath (--claude) at the claude executable.";

    /// <summary>The full path of <paramref name="claudePath"/>, or an error message.</summary>
    public static (string? Path, string? Error) Resolve(string claudePath, string baseDirectory)
    {
        if (claudePath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || claudePath.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(claudePath, baseDirectory);
            return File.Exists(full) ? (full, null) : (null, $"claude was not found at '{full}'. {InstallAdvice}");
        }

        var extensions = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE").Split(';', StringSplitOptions.RemoveEmptyEntries).Prepend(string.Empty)
            : [string.Empty];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, claudePath + extension);
                if (File.Exists(candidate))
                {
                    return (candidate, null);
                }
            }
        }

        return (null, $"'{claudePath}' was not found on PATH. {InstallAdvice}");
    }
}
