namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// The in-process front-end scenarios, one at a time: MSBuild builds share the process's one BuildManager, and both
/// MSBuild and Cake change the process's current directory while they run. The collection still runs beside the
/// engine and CLI tests, which depend on neither.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessFrontEndsCollection
{
    public const string Name = "In-process front ends";
}
