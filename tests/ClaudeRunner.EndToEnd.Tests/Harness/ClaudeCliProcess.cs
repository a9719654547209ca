using System.Diagnostics;
using System.Text;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// One real <c>claude</c> process started directly (no engine, no shell): arguments as an argument
/// list, the prompt written to stdin which is then closed, stdout lines and stderr collected as they
/// arrive. Disposing kills the whole process tree if it still runs, so no test leaves a claude
/// (or a tool it started) behind.
/// </summary>
public sealed class ClaudeCliProcess : IAsyncDisposable
{
    /// <summary>The arguments the runner uses for one prompt: <c>-p --output-format stream-json --verbose</c>.</summary>
    public static readonly IReadOnlyList<string> StreamJsonArguments = ["-p", "--output-format", "stream-json", "--verbose"];

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Process _process;
    private readonly Stopwatch _stopwatch;
    private readonly Lock _gate = new();
    private readonly List<string> _stdoutLines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly Task _stdinPump;

    private ClaudeCliProcess(Process process, string? stdin)
    {
        _process = process;
        _stopwatch = Stopwatch.StartNew();
        StartedAt = DateTimeOffset.UtcNow;
        ProcessId = process.Id;
        _stdoutPump = PumpStdoutAsync();
        _stderrPump = PumpStderrAsync();
        _stdinPump = WriteStdinAsync(stdin);
    }

    /// <summary>The claude process id.</summary>
    public int ProcessId { get; }

    /// <summary>When it was started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The command line, for messages (arguments space-separated, not shell-quoted).</summary>
    public required string CommandLine { get; init; }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>stdout lines received so far.</summary>
    public IReadOnlyList<string> StdoutLines
    {
        get { lock (_gate) { return [.. _stdoutLines]; } }
    }

    /// <summary>stderr received so far.</summary>
    public string Stderr
    {
        get { lock (_gate) { return _stderr.ToString(); } }
    }

    /// <summary>
    /// Starts <c>claude</c> (<see cref="RealClaude.Path"/> unless <paramref name="executable"/> is given)
    /// with <paramref name="arguments"/> in <paramref name="environment"/>'s working directory and variables,
    /// writes <paramref name="stdin"/> (UTF-8) and closes stdin.
    /// </summary>
    /// <exception cref="RealClaudeNotInstalledException">The CLI is not installed.</exception>
    public static ClaudeCliProcess Start(ClaudeEnvironment environment, IEnumerable<string> arguments, string? stdin,
        string? executable = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(arguments);
        executable ??= RealClaude.Path;
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            WorkingDirectory = workingDirectory ?? environment.WorkingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        environment.ApplyTo(startInfo);
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {executable}.");
        return new ClaudeCliProcess(process, stdin)
        {
            CommandLine = string.Join(' ', [executable, .. startInfo.ArgumentList]),
        };
    }

    /// <summary>
    /// Starts claude, waits for it to exit within <paramref name="timeout"/> and returns the result;
    /// on timeout kills the process tree and throws <see cref="TimeoutException"/> with the output so far.
    /// </summary>
    public static async Task<ClaudeCliResult> RunAsync(ClaudeEnvironment environment, IEnumerable<string> arguments,
        string? stdin, TimeSpan timeout, string? executable = null)
    {
        await using var process = Start(environment, arguments, stdin, executable);
        return await process.WaitForExitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the process to exit and its output to be read.
    /// Returns <see langword="false"/> if it is still running (it is left running).
    /// </summary>
    public async Task<bool> TryWaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        await DrainAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Waits for the process to exit and returns the result; on timeout kills the process tree and
    /// throws <see cref="TimeoutException"/> with the output so far.
    /// </summary>
    public async Task<ClaudeCliResult> WaitForExitAsync(TimeSpan timeout)
    {
        if (!await TryWaitForExitAsync(timeout).ConfigureAwait(false))
        {
            KillTree();
            throw new TimeoutException(
                $"claude did not exit within {timeout.TotalSeconds:0.#} s and was killed.{Environment.NewLine}{Snapshot(-1).Describe()}");
        }

        return Snapshot(_process.ExitCode);
    }

    /// <summary>Kills the process and all its descendants (parent-pid walk), if it still runs.</summary>
    public void KillTree()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting while we kill it.
        }
    }

    /// <summary>Kills the process tree if it still runs, waits for it and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        KillTree();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Reported by the test that waited for it; nothing more to do here.
            }
        }

        await DrainAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private ClaudeCliResult Snapshot(int exitCode) =>
        new(exitCode, StdoutLines, Stderr, _stopwatch.Elapsed, CommandLine);

    private async Task DrainAsync()
    {
        // A grandchild that inherited the pipes can keep them open after claude exits: bound the wait.
        var pumps = Task.WhenAll(_stdoutPump, _stderrPump, _stdinPump);
        try
        {
            await pumps.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Keep what was read so far.
        }
    }

    private async Task PumpStdoutAsync()
    {
        var reader = _process.StandardOutput;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_gate)
            {
                _stdoutLines.Add(line);
            }
        }
    }

    private async Task PumpStderrAsync()
    {
        var reader = _process.StandardError;
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_gate)
            {
                _stderr.Append(buffer, 0, read);
            }
        }
    }

    private async Task WriteStdinAsync(string? stdin)
    {
        try
        {
            if (!string.IsNullOrEmpty(stdin))
            {
                await _process.StandardInput.BaseStream.WriteAsync(Utf8.GetBytes(stdin)).ConfigureAwait(false);
                await _process.StandardInput.BaseStream.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // claude exited before reading all of stdin (e.g. it refused its arguments).
        }
        finally
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Broken pipe on close: same as above.
            }
        }
    }
}
