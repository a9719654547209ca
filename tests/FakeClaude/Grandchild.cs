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
