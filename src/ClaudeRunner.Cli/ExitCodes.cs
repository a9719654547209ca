using System.Runtime.InteropServices;

namespace ClaudeRunner.Cli;

/// <summary>The exit codes of claude-runner, as the original tool defined them.</summary>
internal static class ExitCodes
{
    public const int AllSucceeded = 0;
    public const int SomeFailed = 1;
    public const int BadInput = 2;

    /// <summary>128 + the signal number, as a shell reports a process that a signal ended.</summary>
    public static int ForSignal(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 129,
        PosixSignal.SIGINT => 130,
        _ => 143,
    };
}
