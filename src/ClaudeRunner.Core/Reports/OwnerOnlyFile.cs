using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// Every file the runner writes (logs, reports, their temporary files) goes through here. Logs hold prompts,
/// answers and paths, and a log directory may be shared, so on Unix: directories are created 0700 and a shared
/// one is refused; files are always created new (O_CREAT|O_EXCL, owner-only 0600) after unlinking whatever had
/// the name, so a symbolic link is never followed and a FIFO or device never opened; reports replace their file
/// by rename, which replaces a link instead of writing through it.
/// </summary>
internal static partial class OwnerOnlyFile
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Creates a directory (0700), or checks that an existing one is not writable by other users.</summary>
    /// <exception cref="IOException">The directory is writable by others (who could plant links or FIFOs in it).</exception>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, DirectoryMode);
            return;
        }

        // A sticky directory of ours (like /tmp's rule) lets others add files but not replace or remove ours. Group
        // write is allowed: with a umask of 002 every directory has it, and the group is usually the user's own.
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.OtherWrite) != 0 && !((mode & UnixFileMode.StickyBit) != 0 && IsOwnedByUs(path)))
        {
            throw new IOException(
                $"The log directory '{path}' is writable by other users (mode {Convert.ToString((int)mode, 8)}), who could replace its files with links: "
                + "use a directory only you can write to (chmod go-w), or one that is sticky (chmod +t) and yours.");
        }
    }

    /// <summary>
    /// Creates a directory (0700) that must be ours: an existing one owned by another user (say, planted in the shared
    /// temp directory) is refused, since its owner could take our locks or read what we keep there.
    /// </summary>
    /// <exception cref="IOException">The directory belongs to another user, or others may write to it.</exception>
    public static void CreatePrivateDirectory(string path)
    {
        CreateDirectory(path);
        if (!OperatingSystem.IsWindows() && !IsOwnedByUs(path))
        {
            throw new IOException($"The directory '{path}' belongs to another user: remove it, or choose another directory.");
        }
    }

    /// <summary>The effective user id (0 on Windows, where it is not used).</summary>
    public static uint UserId => OperatingSystem.IsWindows() ? 0 : GetEffectiveUserId();

    // 16K chars keeps the writer's char and byte buffers (32 and 48 kB) below the large-object threshold (85 kB):
    // a prompt opens two writers, and large-object buffers made every run of 10,000 prompts a series of gen2 collections.
    public static StreamWriter CreateText(string path) => new(CreateNew(path, replace: true), Utf8, bufferSize: 16 * 1024);

    /// <summary>
    /// Writes a whole file so readers see the old or the new content, never half of one. Not flushed to disk: reports and
    /// cache records are derived data, and an fsync costs milliseconds each (tens on a CI machine's network disk) on every
    /// run. After a crash of the machine (not of the process) a file may be empty, which its readers take as no file: a
    /// cache record as no record (the prompt runs again), as ccache and Gradle's build cache do.
    /// </summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = CreateNew(temporary, replace: false))
            {
                write(stream);
            }

            // rename(2) replaces whatever has the name, a link included, and never writes through it.
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Appends <paramref name="text"/> to a file a CI chose for us (GitHub's step summary): the CI made it and reads it
    /// back, so it is neither created owner-only nor refused for existing, but a symbolic link in its place is not followed.
    /// </summary>
    /// <exception cref="IOException">The path is a symbolic link, or the file cannot be written.</exception>
    public static void AppendToCiFile(string path, string text)
    {
        if (new FileInfo(path).LinkTarget is { } target)
        {
            throw new IOException($"It is a symbolic link (to '{target}'), which is not followed.");
        }

        using var stream = new FileStream(path, System.IO.FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(Utf8.GetBytes(text));
    }

    /// <summary>A new, owner-only file; <paramref name="replace"/> unlinks what had the name first (a link goes, not its target).</summary>
    private static FileStream CreateNew(string path, bool replace)
    {
        if (replace)
        {
            File.Delete(path);
        }

        // CreateNew is O_CREAT|O_EXCL: it fails on any existing name, a dangling link or one planted after the unlink included.
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return new FileStream(path, options);
    }

    private static bool IsOwnedByUs(string path) =>
        UnixFileStatus.Of(path, out var errno) is { } status ? status.Uid == GetEffectiveUserId() : throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Cannot read the owner of '{path}' (errno {errno})."));

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
