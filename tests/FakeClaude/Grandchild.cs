using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FakeClaude;

/// <summary>
/// A process that outlives the fake, like a Bash tool command of the real CLI. It is a copy of
/// this executable run as <c>FakeClaude --fake-grandchild [--setsid]</c> (no coreutils needed)
/// that sleeps forever. It inherits our stdin/stdout/stderr, so it holds the runner's pipes open.
/// </summary>
internal static partial class Grandchild
{
    public const string Argument = "--fake-grandchild";
    private const string SetsidArgument = "--setsid";

    /// <summary>Starts the grandchild without waiting for it and returns its pid.</summary>
    public static int Start(bool setsid)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find our own executable");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        // Run as `dotnet FakeClaude.dll`: the host needs the assembly path first.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FakeClaude.dll"));
        }

        start.ArgumentList.Add(Argument);
        if (setsid)
        {
            start.ArgumentList.Add(SetsidArgument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("grandchild did not start");
        return process.Id;
    }

    /// <summary>
    /// Starts <c>env -i setsid sleep 600</c> without waiting for it and returns its pid (env and setsid exec, so the pid is
    /// sleep's): no environment, so no marker of the runner's, and a session of its own, like a Bash tool command
    /// <c>env -i setsid sleep 600 &amp;</c>. With <paramref name="holdPipes"/> it inherits our stdin/stdout/stderr and holds
    /// the runner's pipes open; without, its standard streams are pipes of ours that we close at once: a daemon.
    /// </summary>
    public static int StartEnvCleared(bool holdPipes)
    {
        var start = new ProcessStartInfo(OnPath("env"))
        {
            UseShellExecute = false,
            RedirectStandardInput = !holdPipes,
            RedirectStandardOutput = !holdPipes,
            RedirectStandardError = !holdPipes,
        };
        foreach (var argument in new[] { "-i", OnPath("setsid"), OnPath("sleep"), "600" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("grandchild did not start");
        if (!holdPipes)
        {
            process.StandardInput.Close();
            process.StandardOutput.Close();
            process.StandardError.Close();
        }

        return process.Id;
    }

    /// <summary>
    /// Starts <c>env -i setsid sleep 600</c> as a background job of a shell that exits at once (a double fork) and returns
    /// sleep's pid: the daemon has left the fake's tree before anyone can look, carries no environment and holds none of
    /// our streams — found by nothing but being re-parented to a subreaper.
    /// </summary>
    public static int StartDoubleForked()
    {
        var start = new ProcessStartInfo(OnPath("sh")) { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{OnPath("env")} -i {OnPath("setsid")} {OnPath("sleep")} 600 </dev/null >/dev/null 2>&1 & echo $!");
        using var shell = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        var pid = int.Parse(shell.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture);
        shell.WaitForExit();
        return pid;
    }

    // env -i leaves no PATH for the commands after it.
    private static string OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not on PATH");

    /// <summary>The grandchild's whole life: optionally leave our session and process group, then sleep.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Contains(SetsidArgument))
        {
            // Like the real CLI's tool commands: a new session, so killing the fake's process group misses it.
            try
            {
                _ = SetsidGlibc();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _ = SetsidLibc();
            }
        }

        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    [LibraryImport("libc.so.6", EntryPoint = "setsid")]
    private static partial int SetsidGlibc();

    [LibraryImport("libc", EntryPoint = "setsid")]
    private static partial int SetsidLibc();
}
