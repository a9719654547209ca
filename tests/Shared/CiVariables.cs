using System.Runtime.CompilerServices;

namespace ClaudeRunner.Tests;

/// <summary>
/// The variables that turn on a run's CI output (README "CI output"). The tests run in a CI themselves: its variables are
/// cleared when a test assembly loads, so that no run of a test (in-process or a child process) writes to that CI's step
/// summary or prints its commands, unless the test sets them itself.
/// </summary>
internal static class CiVariables
{
    private static readonly string[] Names = ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "TF_BUILD", "TEAMCITY_VERSION"];

#pragma warning disable CA2255 // A test assembly is the application here: nothing else can run first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Clear()
    {
        foreach (var name in Names)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    /// <summary>
    /// Sets <paramref name="variables"/> in this process, for a test of an in-process front end (MSBuild's engine, Cake's)
    /// in a collection that runs alone; disposing clears them again.
    /// </summary>
    public static IDisposable Set(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => Clear();
    }
}
