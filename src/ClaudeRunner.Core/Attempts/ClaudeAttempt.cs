using System.ComponentModel;
using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>
/// One claude process: spawn, feed the prompt on stdin, stream stdout and stderr to the logs, enforce
/// the timeout, stop on cancel. Every edge of the child is handled here; what its output means is
/// <see cref="StreamJsonLine"/>'s, and how it ended is <see cref="Verdict"/>'s to say.
/// </summary>
internal sealed class ClaudeAttempt
{
    // A longer stdout line is logged in parts and never parsed.
    private const int MaxStdoutLine = StreamJsonLine.MaxResultLength;
    private const int MaxStderrLine = 64 * 1024;
    private const int StderrTailLength = 8 * 1024;
    private const int EventTextLength = 2000;

    // Half a pipe's 64 KiB: the reader's char buffer (one char per byte) stays below the large-object threshold.
    private const int StdoutReadBuffer = 32 * 1024;

    // A grandchild that inherited claude's stdout keeps the pipe open after claude exits; don't wait forever for its end.
    private static readonly TimeSpan PipeDrainLimit = TimeSpan.FromSeconds(2);

    private readonly ClaudeCommand _command;
    private readonly string _marker;
    private readonly PromptLog _log;
    private readonly SecretRedactor _redactor;
    private readonly IAttemptOutput _output;
    private readonly TimeProvider _time;
    private readonly object _stderrGate = new();
    private readonly Queue<string> _stderrTail = new();
    private int _stderrTailLength;
    private ClaudeResult? _result;
    private string? _sessionId;
    private string? _lastMessageId;
    private AttemptProcesses? _processes;

    public ClaudeAttempt(ClaudeCommand command, string marker, PromptLog log, SecretRedactor redactor, IAttemptOutput output, TimeProvider time)
    {
        _command = command;
        _marker = marker;
        _log = log;
        _redactor = redactor;
        _output = output;
        _time = time;
    }

    public async Task<AttemptResult> RunAsync(string prompt, TimeSpan timeout, TimeSpan gracePeriod, CancellationToken cancellation)
    {
        var start = _time.GetLocalNow();
        var startInfo = new ProcessStartInfo(_command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = OwnerOnlyFile.Utf8,
            StandardOutputEncoding = OwnerOnlyFile.Utf8,
            StandardErrorEncoding = OwnerOnlyFile.Utf8,
            WorkingDirectory = _command.WorkingDirectory,
        };
        foreach (var argument in _command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _command.Environment)
        {
            startInfo.Environment[name] = value;
        }

        foreach (var name in _command.ClearedVariables)
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment[ProcessTree.MarkerVariable] = _marker;

        using var process = new Process { StartInfo = startInfo };
        try
        {
            await ClaudeLauncher.StartAsync(process).ConfigureAwait(false);
        }
        catch (Win32Exception ex)
        {
            return new AttemptResult(Verdict.CannotStart(_command.FileName, ex.Message), null, null, null, start, _time.GetLocalNow());
        }

        var processes = _processes = new AttemptProcesses(process, _marker);
        var resources = new ResourceSampler(process.Id, processes.Note);
        using var stopSampling = new CancellationTokenSource();
        var sampling = ResourceSampler.IsSupported ? resources.RunAsync(_time, stopSampling.Token) : Task.CompletedTask;
        // Armed before the output is read: once claude's first line is in the log, a fake clock may be moved past the timeout.
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        var stdin = WriteStdinAsync(process, prompt);
        // Process's own reader reads the pipe 4 KiB at a time: a read(2) and a thread-pool hop per 4 KiB of a long stream.
        using var stdoutReader = new StreamReader(process.StandardOutput.BaseStream, OwnerOnlyFile.Utf8, detectEncodingFromByteOrderMarks: false, StdoutReadBuffer, leaveOpen: true);
        var stdout = PumpAsync(stdoutReader, new LineSplitter(MaxStdoutLine, _redactor, OnStdoutLine, _log.StreamPart));
        var stderr = PumpAsync(process.StandardError, new LineSplitter(MaxStderrLine, _redactor, OnStderrLine, (part, _) => _log.StderrLine(part)));

        Verdict? stoppedAs = null;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeoutSource.Token))
        {
            try
            {
                await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stoppedAs = cancellation.IsCancellationRequested ? Verdict.Cancelled : Verdict.TimedOut(timeout);
                await StopAsync(process, processes, gracePeriod).ConfigureAwait(false);
            }
        }

        var exitCode = process.ExitCode;
        await stopSampling.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        await DrainAsync(process, processes, stdin, stdout, stderr).ConfigureAwait(false);
        // Judged on what claude wrote; masked for everything that is written or shown from here on.
        var verdict = stoppedAs ?? Verdict.Of(exitCode, _result, StderrTail(), _command.SkipsPermissions, _command.Output);
        return new AttemptResult(
            verdict with { Message = _redactor.Redact(verdict.Message), Output = verdict.Output is { } output ? _redactor.Redact(output) : null },
            exitCode,
            _result is { } result ? Redacted(result) : null,
            _result?.SessionId ?? _sessionId,
            start,
            _time.GetLocalNow())
        {
            ResumeRefused = _result is null && StderrTail().Contains(ClaudeCommand.ResumeRefusal, StringComparison.Ordinal),
            StderrTail = _redactor.Redact(StderrTail()),
            Resources = resources.Usage,
        };
    }

    /// <summary>SIGTERM, a grace period, then the whole tree (docs/claude-cli.md, "Signals and children").</summary>
    private async Task StopAsync(Process process, AttemptProcesses processes, TimeSpan gracePeriod)
    {
        // Before SIGTERM: claude's children are re-parented the moment it exits, and no walk from claude finds them after.
        processes.Note();
        ProcessTree.Terminate(process);
        using var grace = new CancellationTokenSource(gracePeriod, _time);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ignored SIGTERM: killed below.
        }

        processes.KillAll(process);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads claude's output to its end, for at most twice <see cref="PipeDrainLimit"/>: whatever still holds the pipes after
    /// the first is killed, and after the second our ends are closed, so no child can keep the attempt (or the run) waiting.
    /// </summary>
    private async Task DrainAsync(Process process, AttemptProcesses processes, Task stdin, Task stdout, Task stderr)
    {
        var pipes = Task.WhenAll(stdin, stdout, stderr);
        if (!await DrainedWithinLimitAsync(pipes).ConfigureAwait(false))
        {
            // Something claude started still holds the pipes: it belongs to this attempt, so it goes.
            processes.KillLeftovers(thorough: true);
            if (!await DrainedWithinLimitAsync(pipes).ConfigureAwait(false))
            {
                // Held by something we cannot find or kill (another user's, or no /proc): the reads end when our ends close.
                // Process.Dispose leaves the streams open (they may be shared), so they are closed here.
                CloseQuietly(process.StandardInput.BaseStream);
                CloseQuietly(process.StandardOutput.BaseStream);
                CloseQuietly(process.StandardError.BaseStream);
            }
        }

        await pipes.ConfigureAwait(false);
        // A daemon claude started that left its tree and closed the pipes, if a look saw it: it ends with the attempt.
        processes.KillLeftovers(thorough: false);
        _log.Flush();
    }

    private static void CloseQuietly(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
            // A write end whose reader is gone.
        }
    }

    private async Task<bool> DrainedWithinLimitAsync(Task pipes)
    {
        try
        {
            await pipes.WaitAsync(PipeDrainLimit, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task WriteStdinAsync(Process process, string prompt)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(OwnerOnlyFile.Utf8.GetBytes(prompt)).ConfigureAwait(false);
            await process.StandardInput.BaseStream.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // claude exited without reading its input (e.g. it refused its arguments): judged by its output.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task PumpAsync(StreamReader reader, LineSplitter splitter)
    {
        var buffer = new char[16 * 1024];
        while (await ReadAsync(reader, buffer).ConfigureAwait(false) is var read and > 0)
        {
            splitter.Feed(buffer.AsSpan(0, read));
            _log.Flush();
        }

        splitter.Complete();
    }

    /// <summary>Reads from a pipe; 0 at its end, and also when it was closed under us after the drain limit.</summary>
    private static async Task<int> ReadAsync(StreamReader reader, char[] buffer)
    {
        try
        {
            return await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>A line as claude wrote it: read unmasked (a masked number would break the JSON), logged and shown masked.</summary>
    private void OnStdoutLine(string line)
    {
        _log.StreamLine(_redactor.Redact(line));
        switch (StreamJsonLine.Read(line))
        {
            case StreamJsonLine.Result result:
                _result = result.Value;
                // claude is about to exit, its tools' processes still below it: the last good moment to see them.
                _processes?.Note();
                break;
            case StreamJsonLine.Init init:
                _sessionId ??= init.SessionId;
                break;
            case StreamJsonLine.Assistant assistant:
                if (assistant.MessageId is { } id && id != _lastMessageId)
                {
                    _lastMessageId = id;
                    _output.ApiAnswered();
                }

                if (assistant.Text.Length > 0)
                {
                    _output.Output(PromptOutputKind.Assistant, Shorten(_redactor.Redact(assistant.Text)));
                }

                break;
            case StreamJsonLine.ApiRetry retry:
                _output.Output(PromptOutputKind.ClaudeRetry, _redactor.Redact(retry.Describe()));
                if (retry.ErrorStatus is 429 or 529)
                {
                    _output.ApiCongestion(retry.ErrorStatus.Value, retry.DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
                }

                break;
            case StreamJsonLine.RateLimitEvent { Status: { } status }:
                _output.UsageStatus(status);
                break;
        }
    }

    // Parsing turned escaped forms back into clear text, so the parsed texts are masked again.
    private ClaudeResult Redacted(ClaudeResult result) => result with
    {
        Text = result.Text is { } text ? _redactor.Redact(text) : null,
        Errors = [.. result.Errors.Select(_redactor.Redact)],
        StructuredOutput = result.StructuredOutput is { } output ? _redactor.Redact(output) : null,
    };

    /// <summary>Kept unmasked for the verdict (it looks for claude's own words), logged and shown masked.</summary>
    private void OnStderrLine(string rawLine)
    {
        var line = _redactor.Redact(rawLine);
        _log.StderrLine(line);
        lock (_stderrGate)
        {
            _stderrTail.Enqueue(rawLine);
            _stderrTailLength += rawLine.Length;
            while (_stderrTailLength > StderrTailLength && _stderrTail.Count > 1)
            {
                _stderrTailLength -= _stderrTail.Dequeue().Length;
            }
        }

        _output.Output(PromptOutputKind.StandardError, Shorten(line));
    }

    private string StderrTail()
    {
        lock (_stderrGate)
        {
            return string.Join('\n', _stderrTail);
        }
    }

    private static string Shorten(string text) => text.Length <= EventTextLength ? text : text[..EventTextLength] + "…";
}
