using System.Runtime.InteropServices;

namespace ClaudeRunner;

/// <summary>
/// Turns SIGINT, SIGTERM and SIGHUP (Ctrl+C, Ctrl+Break on Windows) into the cancellation of a run, so
/// claude processes are stopped and the summary is written before the process goes. Front ends
/// register it around <see cref="ClaudeRunnerEngine.RunAsync"/> and call <see cref="RunStopped"/> after it.
/// </summary>
public sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _run;
    private readonly bool _terminateAfterStop;
    private readonly TimeSpan _stopLimit;
    private readonly ManualResetEventSlim _stopped = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    private TerminationSignals(CancellationTokenSource run, bool terminateAfterStop, TimeSpan stopLimit)
    {
        _run = run;
        _terminateAfterStop = terminateAfterStop;
        _stopLimit = stopLimit;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }

        if (terminateAfterStop)
        {
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }
    }

    /// <summary>The signal that cancelled the run, if one did.</summary>
    public PosixSignal? Received => _received == 0 ? null : (PosixSignal)_received;

    /// <summary>
    /// Cancels <paramref name="run"/> on a termination signal.
    /// </summary>
    /// <param name="run">The run's cancellation.</param>
    /// <param name="terminateAfterStop">
    /// False for a program that ends itself once the run returns (the CLI). True for a host that must
    /// go on terminating as the signal asked (MSBuild): the handler waits until <see cref="RunStopped"/>
    /// or <paramref name="stopLimit"/>, then lets the default action end the process.
    /// </param>
    /// <param name="stopLimit">The longest a host waits for the run to stop.</param>
    public static TerminationSignals Register(CancellationTokenSource run, bool terminateAfterStop, TimeSpan stopLimit) =>
        new(run, terminateAfterStop, stopLimit);

    /// <summary>The run has stopped: its children are gone and its reports written.</summary>
    public void RunStopped() => _stopped.Set();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _stopped.Set();
        _stopped.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        Interlocked.CompareExchange(ref _received, (int)context.Signal, 0);
        CancelRun();
        if (_terminateAfterStop)
        {
            WaitForStop();
        }
        else
        {
            context.Cancel = true;
        }
    }

    /// <summary>The POSIX number of a signal, for the conventional exit code 128 + n.</summary>
    public static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal,
    };

    private void OnProcessExit(object? sender, EventArgs e)
    {
        CancelRun();
        WaitForStop();
    }

    private void CancelRun()
    {
        try
        {
            _run.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void WaitForStop()
    {
        try
        {
            _stopped.Wait(_stopLimit);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
