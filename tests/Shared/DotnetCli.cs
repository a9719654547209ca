using System.Diagnostics;

namespace ClaudeRunner.Tests;

/// <summary>The repository and the dotnet CLI, for tests that pack, build and install our packages as a user would.</summary>
public static class DotnetCli
{
    /// <summary>The repository: the directory of ClaudeRunner.sln above the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// The configuration the tests (and so the projects they reference) were built in: what a test packs with
    /// <c>--no-build</c>, so that it packages the build under test instead of compiling the projects again
    /// (<c>dotnet pack</c> defaults to Release, a second build of every referenced project).
    /// </summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> and returns its exit code and its output (stdout, then stderr).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments) =>
        RunAsync(directory, new Dictionary<string, string>(), arguments);

    /// <summary>Runs <c>dotnet</c> with <paramref name="environment"/> added to its environment (which a claude it starts inherits).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string directory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunAsync(directory, environment, TimeSpan.FromMinutes(4), arguments);

    /// <summary>The same, for a command that may take longer than the usual 4 minutes (an ahead-of-time compilation).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild variables (set by MSBuildLocator) would point a child build at the wrong MSBuild.
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {limit.TotalMinutes} minutes.");
        }

        return (process.ExitCode, await output + await error);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClaudeRunner.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"ClaudeRunner.sln was not found above '{AppContext.BaseDirectory}'.");
    }
}
