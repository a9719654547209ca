using System.Diagnostics;
using System.Text;

namespace ClaudeRunner.Tests;

/// <summary>What a claude-runner process printed and how it exited.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// claude-runner as a real process (the executable the project reference copies beside the tests), run in a
/// given directory (usually a FakeClaude scratch directory, with FakeClaude's records pointed there).
/// Standard output and error are pipes, so the CLI is in its non-terminal mode.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    private CliProcess(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    public static string ExecutablePath { get; } = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "claude-runner.exe" : "claude-runner");

    public int Id => _process.Id;

    /// <summary>Starts claude-runner in the scratch directory, with FakeClaude's environment, <paramref name="args"/> and <paramref name="stdin"/> (null: empty standard input).</summary>
    public static CliProcess Start(FakeClaudeScratch scratch, string? stdin, params string[] args) =>
        Start(scratch.Directory, scratch.Environment, stdin, args);

    /// <summary>
    /// Starts claude-runner in <paramref name="workingDirectory"/> with the test process's environment plus
    /// <paramref name="environment"/>, <paramref name="args"/> and <paramref name="stdin"/> (null: empty standard input).
    /// </summary>
    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args) =>
        StartExecutable(ExecutablePath, workingDirectory, environment, stdin, args);

    /// <summary>Starts another build of claude-runner (an installed tool) the same way.</summary>
    public static CliProcess StartExecutable(string executable, string workingDirectory, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("claude-runner did not start.");
        process.StandardInput.Write(stdin ?? string.Empty);
        process.StandardInput.Close();
        return new CliProcess(process);
    }

    /// <summary>Runs claude-runner to the end in the scratch directory.</summary>
    public static Task<CliResult> RunAsync(FakeClaudeScratch scratch, string? stdin, params string[] args) =>
        RunAsync(scratch.Directory, scratch.Environment, stdin, args);

    /// <summary>Runs claude-runner to the end in <paramref name="workingDirectory"/> (see <see cref="Start(string, IReadOnlyDictionary{string, string}, string?, string[])"/>).</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args)
    {
        using var cli = Start(workingDirectory, environment, stdin, args);
        return await cli.WaitAsync();
    }

    /// <summary>Runs claude-runner with FakeClaude as claude and no retries, plus <paramref name="args"/>.</summary>
    public static Task<CliResult> RunWithFakeAsync(FakeClaudeScratch scratch, string? stdin, params string[] args) =>
        RunAsync(scratch, stdin, [.. args, "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0"]);

    public async Task<CliResult> WaitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Deadline);
        return new CliResult(_process.ExitCode, await _output.WaitAsync(Deadline), await _error.WaitAsync(Deadline));
    }

    /// <summary>Sends a signal the way a terminal or a CI runner would.</summary>
    public void Signal(string signal)
    {
        if (signal == "INT")
        {
            ProcessProbe.AssertInterruptReachesChildren();
        }

        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Ends the runner's process alone, with no chance to clean up: SIGKILL on Unix, TerminateProcess on Windows.</summary>
    public void KillOutright() => _process.Kill(entireProcessTree: false);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
