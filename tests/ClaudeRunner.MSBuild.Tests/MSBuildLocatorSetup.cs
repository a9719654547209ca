using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace ClaudeRunner.Tests;

internal static class MSBuildLocatorSetup
{
    /// <summary>Points Microsoft.Build at the SDK's MSBuild before any test touches an MSBuild type.</summary>
#pragma warning disable CA2255 // A test assembly is the application here: nothing else can run first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}

/// <summary>In-process builds share one BuildManager: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MSBuildCollection
{
    public const string Name = "MSBuild in-process";
}
