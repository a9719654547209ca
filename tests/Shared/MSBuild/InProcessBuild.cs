using Microsoft.Build.Execution;
using Microsoft.Build.Framework;

namespace ClaudeRunner.Tests;

/// <summary>
/// A project in <paramref name="directory"/> (usually a FakeClaude scratch directory) that imports the package's
/// build/*.props and *.targets (copied beside the tests) with the task from the tests' own output, built in-process.
/// Builds share the process's one BuildManager: run them one at a time.
/// </summary>
internal sealed class InProcessBuild(string directory)
{
    private static readonly string BuildDirectory = Path.Combine(AppContext.BaseDirectory, "build");
    private static readonly string TaskAssembly = Path.Combine(AppContext.BaseDirectory, "ClaudeRunner.MSBuild.dll");

    /// <summary>The project file.</summary>
    public string ProjectFile => Path.Combine(directory, "test.proj");

    /// <summary>Global properties of the next builds, like <c>-p:</c> on the command line.</summary>
    public Dictionary<string, string?> GlobalProperties { get; } = [];

    /// <summary>Loggers of the next builds besides the one that collects the events (such as MSBuild's console logger).</summary>
    public List<ILogger> Loggers { get; } = [];

    /// <summary>Writes the project: <paramref name="body"/> goes between the package's props and targets.</summary>
    public InProcessBuild WithProject(string body)
    {
        File.WriteAllText(ProjectFile, $"""
            <Project>
              <Import Project="{BuildDirectory}/ClaudeRunner.MSBuild.props" />
              <PropertyGroup>
                <ClaudeRunnerTaskAssembly>{TaskAssembly}</ClaudeRunnerTaskAssembly>
              </PropertyGroup>
            {body}
              <Import Project="{BuildDirectory}/ClaudeRunner.MSBuild.targets" />
            </Project>
            """);
        return this;
    }

    /// <summary>Builds <paramref name="targets"/> and waits for the result.</summary>
    public BuildRun Build(params string[] targets)
    {
        var run = Start(targets);
        run.Wait();
        return run;
    }

    /// <summary>Starts building <paramref name="targets"/>; the caller waits or cancels.</summary>
    public BuildRun Start(params string[] targets)
    {
        var logger = new CollectingLogger();
        var manager = BuildManager.DefaultBuildManager;
        manager.BeginBuild(new BuildParameters { Loggers = [logger, .. Loggers], EnableNodeReuse = false, MaxNodeCount = 1 });
        var submission = manager.PendBuildRequest(new BuildRequestData(ProjectFile, new Dictionary<string, string?>(GlobalProperties), null, targets.Length == 0 ? ["Build"] : targets, null));
        var done = new TaskCompletionSource<BuildResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        submission.ExecuteAsync(s => done.SetResult(s.BuildResult!), null);
        return new BuildRun(manager, done.Task, logger);
    }
}

/// <summary>A build started by <see cref="InProcessBuild"/> and what it logged.</summary>
internal sealed class BuildRun(BuildManager manager, Task<BuildResult> result, CollectingLogger logger)
{
    private bool _ended;

    public BuildResult Result => result.IsCompleted ? result.Result : throw new InvalidOperationException("The build is still running.");

    public bool Succeeded => Result.OverallResult == BuildResultCode.Success;

    public IReadOnlyList<BuildErrorEventArgs> Errors => logger.Errors;

    public IReadOnlyList<BuildWarningEventArgs> Warnings => logger.Warnings;

    public IReadOnlyList<BuildMessageEventArgs> Messages => logger.Messages;

    /// <summary>Every message, error and warning as text, for assertion failure output.</summary>
    public string Log => string.Join(Environment.NewLine, logger.Lines);

    public IEnumerable<string> HighMessages => Messages.Where(m => m.Importance == MessageImportance.High).Select(m => m.Message ?? string.Empty);

    public void Cancel()
    {
        if (!_ended)
        {
            manager.CancelAllSubmissions();
        }
    }

    public void Wait()
    {
        if (!result.Wait(TimeSpan.FromMinutes(4)))
        {
            manager.CancelAllSubmissions();
            result.Wait(TimeSpan.FromSeconds(30));
        }

        if (!_ended)
        {
            _ended = true;
            manager.EndBuild();
        }

        Assert.True(result.IsCompleted, "The build did not finish within two minutes.");
    }
}

/// <summary>Keeps every error, warning and message of a build.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly List<BuildErrorEventArgs> _errors = [];
    private readonly List<BuildWarningEventArgs> _warnings = [];
    private readonly List<BuildMessageEventArgs> _messages = [];
    private readonly List<string> _lines = [];

    public LoggerVerbosity Verbosity { get; set; } = LoggerVerbosity.Diagnostic;

    public string? Parameters { get; set; }

    public IReadOnlyList<BuildErrorEventArgs> Errors => Locked(() => _errors.ToList());

    public IReadOnlyList<BuildWarningEventArgs> Warnings => Locked(() => _warnings.ToList());

    public IReadOnlyList<BuildMessageEventArgs> Messages => Locked(() => _messages.ToList());

    public IReadOnlyList<string> Lines => Locked(() => _lines.ToList());

    public void Initialize(IEventSource eventSource)
    {
        eventSource.ErrorRaised += (_, e) => Add(_errors, e, $"error {e.Code}: {e.File}({e.LineNumber},{e.ColumnNumber}): {e.Message}");
        eventSource.WarningRaised += (_, e) => Add(_warnings, e, $"warning {e.Code}: {e.File}({e.LineNumber},{e.ColumnNumber}): {e.Message}");
        eventSource.MessageRaised += (_, e) => Add(_messages, e, $"[{e.Importance}] {e.Message}");
    }

    public void Shutdown()
    {
    }

    private void Add<T>(List<T> list, T item, string line)
    {
        lock (_lines)
        {
            list.Add(item);
            _lines.Add(line);
        }
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_lines)
        {
            return read();
        }
    }
}
