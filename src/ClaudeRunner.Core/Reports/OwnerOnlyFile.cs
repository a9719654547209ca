using System.Text;

namespace ClaudeRunner;

/// <summary>Files and directories only their owner can read (on Unix): logs hold prompts, answers and paths.</summary>
internal static class OwnerOnlyFile
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
    }

    // 16K chars keeps the writer's char and byte buffers (32 and 48 kB) below the large-object threshold (85 kB):
    // a prompt opens two writers, and large-object buffers made every run of 10,000 prompts a series of gen2 collections.
    public static StreamWriter CreateText(string path) => new(Open(path), Utf8, bufferSize: 16 * 1024);

    /// <summary>Writes a whole file so readers see the old or the new content, never half of one.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = Open(temporary))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to new files; an older log may have been readable by others.
            File.SetUnixFileMode(stream.SafeFileHandle, FileMode);
        }

        return stream;
    }
}
