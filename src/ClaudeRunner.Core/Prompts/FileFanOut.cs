using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace ClaudeRunner;

/// <summary>
/// The files a <c>foreach</c> prompt runs for: the files under the working directory that match its globs (a glob
/// starting with <c>!</c> excludes), optionally only those changed since a git ref; sorted by path (ordinal), each once.
/// </summary>
internal static class FileFanOut
{
    /// <summary>The problem with a glob, or null when it is one.</summary>
    public static string? Problem(string pattern)
    {
        var glob = pattern.StartsWith('!') ? pattern[1..] : pattern;
        return string.IsNullOrWhiteSpace(glob) ? "A \"foreach\" glob must not be empty."
            : Path.IsPathRooted(glob) || glob.StartsWith('/') ? $"The \"foreach\" glob '{pattern}' must be relative to the prompt's working directory."
            : null;
    }

    /// <summary>The matching files, or why they cannot be known.</summary>
    public static (IReadOnlyList<TargetFile> Files, string? Problem) Expand(string workingDirectory, IReadOnlyList<string> patterns, string? changedSince)
    {
        // Ordinal: the same files on every platform's file system case rules as on Linux, where CI runs.
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith('!'))
            {
                matcher.AddExclude(pattern[1..]);
            }
            else
            {
                matcher.AddInclude(pattern);
            }
        }

        var matches = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(workingDirectory))).Files.Select(match => match.Path);
        if (changedSince is not null)
        {
            var (changed, problem) = GitChanges.Since(workingDirectory, changedSince);
            if (problem is not null)
            {
                return ([], problem);
            }

            matches = matches.Where(changed!.Contains);
        }

        return ([.. matches.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(path => new TargetFile(path, Path.GetFullPath(path, workingDirectory)))], null);
    }
}
