using System.Globalization;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.ClaudeRunner.Tests;

/// <summary>
/// A real Cake context and engine from Cake.Core 7, working in a scratch directory, logging into memory.
/// Cake's environment sets the process's current directory, as <c>dotnet cake</c> does: tests that use this
/// harness run one at a time (in a collection that disables parallelization), and disposing it restores the directory.
/// </summary>
internal sealed class CakeHarness : IDisposable
{
    private readonly string _originalDirectory = Environment.CurrentDirectory;

    public CakeHarness(string workingDirectory, Verbosity verbosity = Verbosity.Normal)
    {
        Log = new RecordingLog { Verbosity = verbosity };
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime()) { WorkingDirectory = workingDirectory };
        var globber = new Globber(fileSystem, environment);
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var tools = new ToolLocator(environment, new ToolRepository(environment), new ToolResolutionStrategy(fileSystem, environment, globber, configuration, Log));
        Context = new CakeContext(
            fileSystem,
            environment,
            globber,
            Log,
            new CakeArguments(Array.Empty<string>().ToLookup(a => a)),
            new ProcessRunner(fileSystem, environment, Log, tools, configuration),
            new WindowsRegistry(),
            tools,
            new CakeDataService(),
            configuration,
            new ToolInstaller(environment, tools, configuration, Log, []),
            new NoServices());
    }

    public RecordingLog Log { get; }

    public CakeContext Context { get; }

    /// <summary>Runs a one-task build whose task does <paramref name="action"/>, as <c>RunTarget</c> would.</summary>
    public async Task<CakeReport> RunTaskAsync(Action<ICakeContext> action)
    {
        var engine = new CakeEngine(new CakeDataService(), Log);
        engine.RegisterTask("Claude").Does(action);
        var strategy = new DefaultExecutionStrategy(Log, new CakeReportPrinter(new CakeConsole(Context.Environment), Context));
        var settings = new ExecutionSettings();
        settings.SetTarget("Claude");
        return await engine.RunTargetAsync(Context, strategy, settings).WaitAsync(TimeSpan.FromMinutes(4));
    }

    public void Dispose() => Environment.CurrentDirectory = _originalDirectory;

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}

/// <summary>A Cake log that keeps its lines. Like Cake's own log, it formats every message and drops those above its verbosity.</summary>
internal sealed class RecordingLog : ICakeLog
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public Verbosity Verbosity { get; set; }

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Text => string.Join(Environment.NewLine, Lines.Select(l => l.Text));

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        if (verbosity > Verbosity)
        {
            return;
        }

        var text = string.Format(CultureInfo.InvariantCulture, format, args);
        lock (_lines)
        {
            _lines.Add((level, text));
        }
    }
}
