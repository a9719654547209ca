using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace ClaudeRunner;

/// <summary>
/// Windows' way to make claude die with the runner: every claude of this process is put in one job object created with
/// <c>JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE</c>. The job's only handle is this process's, and Windows closes it when the
/// process ends, however it ends (TerminateProcess, a crashed MSBuild node), and then ends every process in the job:
/// claude and everything it started, since children inherit their parent's job. One job for the process's lifetime, not
/// one per run: closing the handle at the end of a run would end what the run has already stopped anyway, and a
/// long-lived host keeps the handle it needs. Nested jobs (Windows 8 and later) let this work inside a CI agent's own job.
/// The handle is never closed, on purpose.
/// </summary>
[SupportedOSPlatform("windows")]
internal static partial class WindowsJob
{
    private const int JobObjectExtendedLimitInformation = 9;
    private const uint KillOnJobClose = 0x2000;

    private static readonly Lazy<nint> Job = new(Create);

    /// <summary>
    /// Puts a started <paramref name="process"/> in the job. A process that exited meanwhile, or a job Windows refuses
    /// (before Windows 8, inside a job that forbids nesting), leaves it as it is: its stop still kills its tree.
    /// What claude starts in the few milliseconds before this call is not in the job (.NET's Process cannot start a
    /// process suspended); claude starts nothing that soon.
    /// </summary>
    public static void Add(Process process)
    {
        if (Job.Value != 0)
        {
            _ = AssignProcessToJobObject(Job.Value, process.Handle);
        }
    }

    private static nint Create()
    {
        var job = CreateJobObjectW(0, 0);
        if (job == 0)
        {
            return 0;
        }

        var limits = new ExtendedLimitInformation { BasicLimitInformation = new BasicLimitInformation { LimitFlags = KillOnJobClose } };
        return SetInformationJobObject(job, JobObjectExtendedLimitInformation, ref limits, (uint)Marshal.SizeOf<ExtendedLimitInformation>())
            ? job
            : 0;
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial nint CreateJobObjectW(nint jobAttributes, nint name);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetInformationJobObject(nint job, int informationClass, ref ExtendedLimitInformation information, uint length);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool AssignProcessToJobObject(nint job, nint process);

    /// <summary>JOBOBJECT_BASIC_LIMIT_INFORMATION.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BasicLimitInformation
    {
        public long PerProcessUserTimeLimit;
        public long PerJobUserTimeLimit;
        public uint LimitFlags;
        public nuint MinimumWorkingSetSize;
        public nuint MaximumWorkingSetSize;
        public uint ActiveProcessLimit;
        public nuint Affinity;
        public uint PriorityClass;
        public uint SchedulingClass;
    }

    /// <summary>IO_COUNTERS.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoCounters
    {
        public ulong ReadOperationCount;
        public ulong WriteOperationCount;
        public ulong OtherOperationCount;
        public ulong ReadTransferCount;
        public ulong WriteTransferCount;
        public ulong OtherTransferCount;
    }

    /// <summary>JOBOBJECT_EXTENDED_LIMIT_INFORMATION.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ExtendedLimitInformation
    {
        public BasicLimitInformation BasicLimitInformation;
        public IoCounters IoInfo;
        public nuint ProcessMemoryLimit;
        public nuint JobMemoryLimit;
        public nuint PeakProcessMemoryUsed;
        public nuint PeakJobMemoryUsed;
    }
}
