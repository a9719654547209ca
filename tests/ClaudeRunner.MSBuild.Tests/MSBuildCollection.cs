namespace ClaudeRunner.Tests;

/// <summary>In-process builds share one BuildManager: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MSBuildCollection
{
    public const string Name = "MSBuild in-process";
}
