using System.Runtime.InteropServices;

namespace ClaudeRunner;

/// <summary>
/// stat(2) through .NET's own portable wrapper (the one <see cref="File"/> uses): one struct layout on every Unix, unlike
/// libc's, and the fields .NET does not expose (owner, inode, change time).
/// </summary>
internal static partial class UnixFileStatus
{
    /// <summary>The status of <paramref name="path"/> (symbolic links followed), or null with the errno.</summary>
    public static FileStatus? Of(string path, out int errno)
    {
        if (Stat(path, out var status) == 0)
        {
            errno = 0;
            return status;
        }

        errno = Marshal.GetLastPInvokeError();
        return null;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, out FileStatus status);

    /// <summary>System.Native's FileStatus (pal_io.h); the padding leaves room for fields added after these.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    internal struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public long ATime;
        public long ATimeNsec;
        public long MTime;
        public long MTimeNsec;
        public long CTime;
        public long CTimeNsec;
        public long BirthTime;
        public long BirthTimeNsec;
        public long Dev;
        public long RDev;
        public long Ino;
    }
}
