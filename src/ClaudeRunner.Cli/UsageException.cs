namespace ClaudeRunner.Cli;

/// <summary>The command line asks for something claude-runner cannot do; it exits with <see cref="ExitCodes.BadInput"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
