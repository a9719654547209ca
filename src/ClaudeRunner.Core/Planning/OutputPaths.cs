using System.Runtime.InteropServices;

namespace ClaudeRunner;

/// <summary>
/// Checks, before anything runs and without writing anything (a dry run creates nothing), that the log and cache
/// directories and the reports can go where they are asked to: a path found unwritable after the run has paid
/// for every prompt loses the reports of the whole run.
/// </summary>
internal static partial class OutputPaths
{
    // File systems that hold no files of ours, whatever the access bits (and root) say.
    private static readonly string[] PseudoFileSystems = ["proc", "sysfs", "cgroup", "cgroup2", "devpts", "securityfs", "debugfs", "tracefs", "pstore", "bpf", "configfs", "mqueue"];

    private const int WriteAndSearch = 2 | 1; // W_OK | X_OK

    /// <summary>The problems with where the run writes, each naming the option and the path.</summary>
    public static IEnumerable<InputError> Problems(RunRequest request)
    {
        string?[] problems =
        [
            DirectoryProblem("LogDirectory", request.ResolvedLogDirectory),
            DirectoryProblem("CacheDirectory", request.ResolvedCacheDirectory),
            FileProblem("SummaryFile", request.ResolvedSummaryFile),
            FileProblem("JUnitFile", request.ResolvedJUnitFile),
            FileProblem("ReportFile", request.ResolvedReportFile),
            // By default beside the summary, whose directory is checked already.
            request.SarifFile is null ? null : FileProblem("SarifFile", request.ResolvedSarifFile),
        ];
        return problems.OfType<string>().Select(problem => new InputError(problem));
    }

    private static string? FileProblem(string option, string path)
    {
        if (Directory.Exists(path))
        {
            return $"{option} '{path}' is a directory, not a file.";
        }

        return Path.GetDirectoryName(path) is { } directory && Where(directory) is { } problem
            ? $"{option} '{path}' cannot be written: {problem}."
            : null;
    }

    private static string? DirectoryProblem(string option, string path) =>
        Where(path) is { } problem ? $"{option} '{path}' cannot be used: {problem}." : null;

    /// <summary>Why files cannot be created in <paramref name="directory"/> (created if missing), or null.</summary>
    private static string? Where(string directory)
    {
        var existing = directory;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"'{existing}' is a file, not a directory";
            }

            if (Path.GetDirectoryName(existing) is not { } parent)
            {
                return $"'{existing}' does not exist";
            }

            existing = parent;
        }

        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        if (OperatingSystem.IsLinux() && PseudoFileSystem(existing) is { } type)
        {
            return $"'{existing}' is on the {type} file system, which holds no files";
        }

        return Access(existing, WriteAndSearch) == 0 ? null : $"'{existing}' is not a directory this user can write to";
    }

    /// <summary>The type of the pseudo file system <paramref name="path"/> is on (the mount with the longest matching mount point), or null.</summary>
    private static string? PseudoFileSystem(string path)
    {
        string[] mounts;
        try
        {
            mounts = File.ReadAllLines("/proc/self/mounts");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var best = (Point: string.Empty, Type: (string?)null);
        foreach (var fields in mounts.Select(line => line.Split(' ')).Where(fields => fields.Length > 2))
        {
            // Mount points escape spaces as \040.
            var point = fields[1].Replace("\\040", " ", StringComparison.Ordinal);
            var inside = point == "/" || path == point || path.StartsWith(point.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (inside && point.Length >= best.Point.Length)
            {
                best = (point, fields[2]);
            }
        }

        return best.Type is { } found && PseudoFileSystems.Contains(found) ? found : null;
    }

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
