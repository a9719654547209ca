using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>
/// Starts claude so that it dies with the runner, even when the runner is killed with SIGKILL and no code of ours runs, and so
/// that only the runner hears the terminal. On Linux claude is started through util-linux's <c>setpriv --pdeathsig TERM --</c>,
/// which asks the kernel for a parent-death signal and execs claude (the same pid): .NET's Process runs no code of ours
/// between fork and exec. SIGTERM, not SIGKILL: claude ends the commands its tools run (in sessions of their own, out of
/// reach of its process group) when it gets SIGTERM, and a SIGKILLed claude leaves them running (docs/claude-cli.md,
/// "Signals and children"). The kernel sends that signal when the thread that forked the child ends, not the process, and
/// a thread-pool thread retires after some idle seconds, so every wrapped claude is started from one thread that lives as
/// long as the process. When the runner has a controlling terminal, util-linux's <c>setsid --</c> comes between them and
/// gives claude a session (and process group) of its own: out of the terminal's foreground group, claude gets no SIGINT
/// from Ctrl+C and no SIGHUP from a hang-up, the runner alone gets them and stops claude with its grace period, so a
/// cancelled prompt is recorded as Cancelled, not as a claude that died of a signal before the runner knew (ninja puts its
/// commands in groups of their own for the same reason). Nothing process-wide changes (no child subreaper): a host such as
/// an MSBuild node keeps its own children as they were. On Windows claude goes into a job object that ends with the runner
/// (<see cref="WindowsJob"/>). Without either (macOS, a Linux without util-linux 2.33 or later) claude is started directly.
/// </summary>
internal static class ClaudeLauncher
{
    private static readonly Lazy<string?> Setpriv = new(FindSetpriv);
    // Only where a terminal can signal the runner's session: each exec costs about as much as starting a small claude.
    private static readonly Lazy<string?> Setsid = new(() => ProcessTree.HasControllingTerminal() ? FindUtilLinux("setsid") : null);
    private static readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> Pending = [];
    private static readonly Lazy<Thread> LaunchThread = new(() =>
    {
        var thread = new Thread(Launch) { IsBackground = true, Name = "claude launcher" };
        thread.Start();
        return thread;
    });

    /// <summary>Starts <paramref name="process"/>; throws what <see cref="Process.Start()"/> throws.</summary>
    public static Task StartAsync(Process process)
    {
        var start = process.StartInfo;
        if (Setpriv.Value is not { } setpriv || !IsExecutableFile(start.FileName))
        {
            // A claude that cannot be executed is left to Process.Start, which says why in its own words.
            process.Start();
            if (OperatingSystem.IsWindows())
            {
                WindowsJob.Add(process);
            }

            return Task.CompletedTask;
        }

        start.ArgumentList.Insert(0, start.FileName);
        if (Setsid.Value is { } setsid)
        {
            // setsid execs without a fork when its caller leads no process group, which a freshly forked child never does.
            start.ArgumentList.Insert(0, "--");
            start.ArgumentList.Insert(0, setsid);
        }

        start.ArgumentList.Insert(0, "--");
        start.ArgumentList.Insert(0, "TERM");
        start.ArgumentList.Insert(0, "--pdeathsig");
        start.FileName = setpriv;
        _ = LaunchThread.Value;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pending.Add((process, started));
        return started.Task;
    }

    private static void Launch()
    {
        foreach (var (process, started) in Pending.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    private static bool IsExecutableFile(string path) =>
        OperatingSystem.IsLinux() && Path.IsPathFullyQualified(path) && File.Exists(path)
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>A util-linux program where the system keeps it (not a PATH lookup).</summary>
    private static string? FindUtilLinux(string name) =>
        new[] { $"/usr/bin/{name}", $"/bin/{name}" }.FirstOrDefault(File.Exists);

    /// <summary>util-linux's setpriv where the system keeps it (not a PATH lookup), if it knows <c>--pdeathsig</c> (2.33, 2018).</summary>
    private static string? FindSetpriv()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var path = FindUtilLinux("setpriv");
        return path is not null && OneShotProcess.Run(path, ["--help"], null, TimeSpan.FromSeconds(10)) is { ExitCode: 0 } help
            && help.Output.Contains("--pdeathsig", StringComparison.Ordinal)
            ? path
            : null;
    }
}
