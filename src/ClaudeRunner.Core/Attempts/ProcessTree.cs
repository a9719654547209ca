using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// Finding and killing processes. claude's Bash tool runs commands in their own session and process group, so a
/// process-group kill misses them, and once claude exits its children are re-parented and no parent-pid walk finds them.
/// Every process of a run therefore carries an environment marker (the way Jenkins finds build processes); what else finds an
/// attempt's processes (a remembered tree, the holders of its pipes) is <see cref="AttemptProcesses"/>'s.
/// </summary>
internal static partial class ProcessTree
{
    /// <summary>The environment variable that marks the processes of a run and attempt.</summary>
    public const string MarkerVariable = "CLAUDE_RUNNER_INSTANCE";

    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int PrSetChildSubreaper = 36;

    private static volatile bool s_adoptsOrphans;

    /// <summary>
    /// Makes this process the reaper of its orphaned descendants (Linux, <c>PR_SET_CHILD_SUBREAPER</c>): whatever a claude
    /// of a run leaves behind is re-parented to this process rather than to init, so the marked processes are all below
    /// it and are found by walking its own tree instead of reading the environment of every process on the machine.
    /// For a process that exits after its run (the CLI), not for a long-lived host: orphans that end stay zombies until
    /// their reaper exits. Returns whether it took effect.
    /// </summary>
    public static bool AdoptOrphans()
    {
        if (OperatingSystem.IsLinux() && Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0)
        {
            s_adoptsOrphans = true;
        }

        return s_adoptsOrphans;
    }

    /// <summary>Asks the process to exit (SIGTERM); on Windows, which has no SIGTERM, kills its tree.</summary>
    public static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            KillQuietly(process);
            return;
        }

        _ = Kill(process.Id, SigTerm);
    }

    /// <summary>
    /// Kills <paramref name="process"/> and the processes below it: on Linux as /proc shows the tree; elsewhere as .NET finds
    /// it (Windows, and macOS from the platform's process list).
    /// </summary>
    public static void KillTree(Process process)
    {
        if (!OperatingSystem.IsLinux())
        {
            KillQuietly(process);
            return;
        }

        var doomed = Descendants(process.Id);
        _ = Kill(process.Id, SigKill);
        foreach (var pid in doomed)
        {
            _ = Kill(pid, SigKill);
        }
    }

    /// <summary>Kills every process whose marker starts with <paramref name="marker"/>; returns how many there were.</summary>
    public static int KillMarked(string marker)
    {
        if (OperatingSystem.IsWindows())
        {
            return 0;
        }

        var marked = Marked(marker);
        foreach (var pid in marked)
        {
            _ = Kill(pid, SigKill);
        }

        return marked.Count;
    }

    /// <summary>
    /// Kills what a run left behind: every process carrying <paramref name="runMarker"/>, and, in a process that adopts
    /// orphans (the CLI, which starts nothing but its run's claudes and git), every descendant still there — a daemon that
    /// cleared its environment and left claude's session comes to this process too, unmarked.
    /// </summary>
    public static void KillLeftBehind(string runMarker)
    {
        KillMarked(runMarker);
        if (s_adoptsOrphans)
        {
            var self = Environment.ProcessId;
            foreach (var stat in TreeStats(self).Where(stat => stat.Pid != self))
            {
                _ = Kill(stat.Pid, SigKill);
            }
        }
    }

    /// <summary>The pids of the processes below <paramref name="root"/> (Linux: from /proc).</summary>
    public static HashSet<int> Descendants(int root) => Descendants(root, AllPids().Select(Stat).OfType<ProcessStat>());

    /// <summary><paramref name="root"/> and the processes below it, as /proc shows them now (Linux; empty elsewhere or once it is gone).</summary>
    public static IReadOnlyList<ProcessStat> TreeStats(int root)
    {
        if (!File.Exists($"/proc/{root}/task/{root}/children"))
        {
            // A kernel without /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN), or the root is gone: scan every process.
            var all = AllPids().Select(Stat).OfType<ProcessStat>().ToList();
            var tree = Descendants(root, all);
            tree.Add(root);
            return [.. all.Where(stat => tree.Contains(stat.Pid))];
        }

        // Only the tree's own files: a sample costs what the tree has, not what the machine runs.
        var found = new List<ProcessStat>();
        var seen = new HashSet<int> { root };
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (Stat(pid) is { } stat)
            {
                found.Add(stat);
                foreach (var child in Children(pid).Where(seen.Add))
                {
                    pending.Push(child);
                }
            }
        }

        return found;
    }

    /// <summary>The children of every thread of <paramref name="pid"/> (any thread may have started one).</summary>
    private static IEnumerable<int> Children(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }

    private static HashSet<int> Descendants(int root, IEnumerable<ProcessStat> stats)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var stat in stats)
        {
            if (!children.TryGetValue(stat.ParentPid, out var list))
            {
                children[stat.ParentPid] = list = [];
            }

            list.Add(stat.Pid);
        }

        var found = new HashSet<int>();
        var pending = new Stack<int>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            if (children.TryGetValue(pending.Pop(), out var list))
            {
                foreach (var child in list.Where(found.Add))
                {
                    pending.Push(child);
                }
            }
        }

        return found;
    }

    /// <summary>The pids of the processes whose environment carries a marker starting with <paramref name="marker"/>.</summary>
    public static HashSet<int> Marked(string marker)
    {
        var needle = Encoding.UTF8.GetBytes($"{MarkerVariable}={marker}");
        var self = Environment.ProcessId;
        var found = new HashSet<int>();
        var candidates = s_adoptsOrphans ? TreeStats(self).Select(stat => stat.Pid) : AllPids();
        foreach (var pid in candidates.Where(p => p != self))
        {
            try
            {
                // Other users' environments are unreadable, and they cannot be ours anyway.
                if (File.ReadAllBytes($"/proc/{pid}/environ").AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    private static IEnumerable<int> AllPids()
    {
        if (!Directory.Exists("/proc"))
        {
            return [];
        }

        return Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);
    }

    /// <summary>The process <paramref name="pid"/> if it is the one that started at <paramref name="startTicks"/> (not a later one given its pid).</summary>
    public static bool IsSame(int pid, long startTicks) => Stat(pid)?.StartTicks == startTicks;

    /// <summary>The identity of the pipe behind our end of a child's standard stream (<c>pipe:[inode]</c>); null where /proc cannot say.</summary>
    public static string? PipeId(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not System.IO.Pipes.PipeStream pipe)
        {
            return null;
        }

        try
        {
            return new FileInfo($"/proc/self/fd/{pipe.SafePipeHandle.DangerousGetHandle()}").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>
    /// The processes that hold one of <paramref name="pipes"/> open (as <c>fuser</c> finds them), other than this process and
    /// its own children: a child of ours holds them only for the moment between its fork and its exec (close-on-exec).
    /// </summary>
    public static HashSet<int> PipeHolders(IReadOnlySet<string> pipes)
    {
        var self = Environment.ProcessId;
        var found = new HashSet<int>();
        if (pipes.Count == 0)
        {
            return found;
        }

        foreach (var pid in AllPids().Where(p => p != self))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget is { } target && pipes.Contains(target))
                    && Stat(pid) is { } stat && stat.ParentPid != self)
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's: not ours to kill.
            }
        }

        return found;
    }

    /// <summary>
    /// Whether this process has a controlling terminal, whose Ctrl+C and hang-up signal its session; true when it cannot
    /// be told.
    /// </summary>
    public static bool HasControllingTerminal() => Stat(Environment.ProcessId) is not { } self || self.Terminal != 0;

    /// <summary>A process's parent, terminal, CPU time and resident memory from <c>/proc/&lt;pid&gt;/stat</c>; null when it is gone.</summary>
    private static ProcessStat? Stat(int pid)
    {
        try
        {
            // /proc/<pid>/stat is "pid (comm) state ppid …"; comm may contain spaces and parentheses. After it, field 3
            // (state) is index 0: ppid is field 4, tty_nr field 7, utime and stime (clock ticks) fields 14 and 15, starttime
            // field 22, rss (pages) field 24 (proc(5)).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return new ProcessStat(
                pid,
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize)
            {
                StartTicks = long.Parse(fields[19], CultureInfo.InvariantCulture),
                Terminal = int.Parse(fields[4], CultureInfo.InvariantCulture),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    /// <summary>Sends SIGKILL to <paramref name="pid"/>.</summary>
    public static void KillPid(int pid) => _ = Kill(pid, SigKill);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}

/// <summary>One process as /proc showed it.</summary>
/// <param name="Pid">Its pid.</param>
/// <param name="ParentPid">Its parent's pid.</param>
/// <param name="CpuTicks">User and system CPU time so far, in clock ticks (<c>sysconf(_SC_CLK_TCK)</c>).</param>
/// <param name="ResidentBytes">Its resident set.</param>
internal sealed record ProcessStat(int Pid, int ParentPid, long CpuTicks, long ResidentBytes)
{
    /// <summary>When it started, in clock ticks after boot: with the pid, which process this is (pids are reused).</summary>
    public long StartTicks { get; init; }

    /// <summary>Its controlling terminal's device number (tty_nr); 0 when it has none.</summary>
    public int Terminal { get; init; }
}
