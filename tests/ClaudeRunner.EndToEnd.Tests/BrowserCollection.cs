namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// The report's browser tests, alone: Chromium is several heavy processes, and beside the real-claude scenarios (each
/// attempt bounded by a timeout) on a busy 2-core machine it made their claude time out.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
