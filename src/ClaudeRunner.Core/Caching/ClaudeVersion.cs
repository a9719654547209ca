using System.Globalization;

namespace ClaudeRunner;

/// <summary>
/// claude's version (<c>claude --version</c>): a new claude may answer differently, so it is part of every key. Asking
/// starts claude (about 40 ms for the pinned one, bench/claude-version.sh) on every run, shard and MSBuild project, so the
/// answer is kept in the cache directory per executable, the way ccache keeps a compiler's by its stat: valid while the
/// file (links resolved) has the same device, inode, size, modification and change time. The change time cannot be set
/// back, so any write or replacement of the file asks again. Only a native executable is kept: a script (the npm shim of
/// old, a wrapper) can run something else without changing itself, so it is asked every run; so is any claude where stat
/// is not available (Windows).
/// </summary>
internal static class ClaudeVersion
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The version line, or why it cannot be known; from <paramref name="cache"/>'s record when it holds. An answer of claude
    /// is recorded with the cache's first recorded success: planning (a dry run included) writes nothing.
    /// </summary>
    public static (string? Version, string? Problem) Ask(string claudePath, ResultCache cache)
    {
        if (NativeExecutable.Of(claudePath) is not { } executable)
        {
            return AskClaude(claudePath);
        }

        var record = Path.Combine(cache.Directory, "claude", PromptKey.Digest(executable.Path) + ".txt");
        if (Recorded(record, executable.Stamp) is { } known)
        {
            return (known, null);
        }

        var asked = AskClaude(claudePath);
        // Recorded only when the file did not change while it answered: the answer is then surely that file's.
        if (asked.Version is { } version && NativeExecutable.Of(claudePath) == executable)
        {
            cache.WriteWithFirstRecord(() => TryRecord(record, executable.Stamp, version));
        }

        return asked;
    }

    private static (string? Version, string? Problem) AskClaude(string claudePath)
    {
        var result = OneShotProcess.Run(claudePath, ["--version"], workingDirectory: null, Limit);
        var version = result?.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return result is { ExitCode: 0 } && version is not null
            ? (version, null)
            : (null, result is null
                ? $"`{claudePath} --version` could not be started or did not answer within {OptionText.FormatDuration(Limit)}"
                : $"`{claudePath} --version` exited with code {result.ExitCode}");
    }

    /// <summary>The recorded version when the record is for <paramref name="stamp"/>; a record that cannot be read is no record.</summary>
    private static string? Recorded(string record, string stamp)
    {
        try
        {
            var lines = File.ReadAllLines(record);
            return lines is [var recordedStamp, var version] && recordedStamp == stamp && version.Length > 0 ? version : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryRecord(string record, string stamp, string version)
    {
        try
        {
            OwnerOnlyFile.WriteAtomically(record, stream =>
            {
                using var writer = new StreamWriter(stream, OwnerOnlyFile.Utf8, leaveOpen: true);
                writer.Write($"{stamp}\n{version}\n");
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not recorded: the next run asks again, which is only slower.
        }
    }

    /// <summary>A native executable's real path and the stat fields that change when its content can have.</summary>
    private readonly record struct NativeExecutable(string Path, string Stamp)
    {
        // ELF; Mach-O (32 and 64 bit, either byte order, and universal); PE.
        private static readonly byte[][] Magics =
            [[0x7F, (byte)'E', (byte)'L', (byte)'F'], [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE],
             [0xCF, 0xFA, 0xED, 0xFE], [0xCA, 0xFE, 0xBA, 0xBE], [(byte)'M', (byte)'Z']];

        public static NativeExecutable? Of(string path)
        {
            if (OperatingSystem.IsWindows())
            {
                return null;
            }

            try
            {
                var real = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? System.IO.Path.GetFullPath(path);
                if (UnixFileStatus.Of(real, out _) is not { } status || !StartsWithMagic(real))
                {
                    return null;
                }

                return new(real, string.Create(CultureInfo.InvariantCulture,
                    $"{status.Dev} {status.Ino} {status.Size} {status.MTime}.{status.MTimeNsec:D9} {status.CTime}.{status.CTimeNsec:D9}"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static bool StartsWithMagic(string path)
        {
            Span<byte> head = stackalloc byte[4];
            using var file = File.OpenHandle(path);
            var read = RandomAccess.Read(file, head, 0);
            var start = head[..read];
            foreach (var magic in Magics)
            {
                if (start.StartsWith(magic))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
