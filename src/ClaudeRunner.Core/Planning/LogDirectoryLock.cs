namespace ClaudeRunner;

/// <summary>
/// A run's hold on its log directory: two runs writing the same logs and reports corrupt each other's. The lock
/// file is opened without sharing (an exclusive flock on Unix), so the system releases it when the process dies.
/// </summary>
internal sealed class LogDirectoryLock : IDisposable
{
    private const string FileName = ".claude-runner.lock";

    private readonly FileStream _file;

    private LogDirectoryLock(FileStream file) => _file = file;

    /// <summary>Creates the log directory if needed and locks it for this run.</summary>
    /// <exception cref="InvalidInputException">Another run holds the directory.</exception>
    public static LogDirectoryLock Acquire(string directory)
    {
        OwnerOnlyFile.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        try
        {
            return new LogDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidInputException([new InputError($"LogDirectory '{directory}' is in use: another run holds it ({path}). Wait for it, or give this run its own log directory.")]);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
