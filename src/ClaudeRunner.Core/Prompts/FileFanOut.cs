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
        static string Plain(string glob) => glob.StartsWith("./", StringComparison.Ordinal) ? glob[2..] : glob;
        var includes = patterns.Where(p => !p.StartsWith('!')).Select(Plain).ToList();
        var excludes = patterns.Where(p => p.StartsWith('!')).Select(p => Plain(p[1..])).ToList();

        // The walk starts where the globs' fixed folders end ("in/7/*.txt" walks in/7, not the whole tree): a
        // thousand prompts with one folder of inputs each must not walk a thousand folders each. Excludes must then
        // be under that folder too, or apply anywhere (**/…); otherwise the walk starts at the working directory.
        var prefix = CommonFolder(includes);
        if (prefix.Length > 0 && !excludes.All(e => e.StartsWith(prefix + "/", StringComparison.Ordinal) || e.StartsWith("**/", StringComparison.Ordinal)))
        {
            prefix = string.Empty;
        }

        string Below(string pattern) => prefix.Length == 0 || pattern.StartsWith("**/", StringComparison.Ordinal) ? pattern : pattern[(prefix.Length + 1)..];

        // Ordinal: the same files on every platform's file system case rules as on Linux, where CI runs.
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var include in includes)
        {
            matcher.AddInclude(Below(include));
        }

        foreach (var exclude in excludes)
        {
            matcher.AddExclude(Below(exclude));
        }

        var root = prefix.Length == 0 ? workingDirectory : Path.Combine(workingDirectory, prefix);
        if (!Directory.Exists(root))
        {
            return ([], null);
        }

        var matches = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root))).Files
            .Select(match => prefix.Length == 0 ? match.Path : $"{prefix}/{match.Path}");
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

    /// <summary>The folders every glob starts with, up to the first segment with a wildcard (never the file name): "src/lib" for "src/lib/**/*.cs".</summary>
    private static string CommonFolder(IReadOnlyList<string> globs)
    {
        string[]? common = null;
        foreach (var glob in globs)
        {
            var segments = glob.Split('/');
            var fixedFolders = segments[..^1].TakeWhile(segment => segment.Length > 0 && segment != ".." && segment.IndexOfAny(Wildcards) < 0).ToArray();
            common = common is null ? fixedFolders : [.. common.Zip(fixedFolders).TakeWhile(pair => pair.First == pair.Second).Select(pair => pair.First)];
        }

        return common is null ? string.Empty : string.Join('/', common);
    }

    private static readonly char[] Wildcards = ['*', '?', '[', ']', '{', '}'];
}
