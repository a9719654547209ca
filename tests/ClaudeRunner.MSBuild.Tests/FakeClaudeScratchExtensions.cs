namespace ClaudeRunner.Tests;

internal static class FakeClaudeScratchExtensions
{
    /// <summary>FakeClaude's environment (with <c>FAKE_CLAUDE_SCRIPT</c> when <paramref name="script"/> is given) as the <c>NAME=value;…</c> list of the task's EnvironmentVariables.</summary>
    public static string EnvironmentItems(this FakeClaudeScratch scratch, string? script = null) =>
        string.Join(';', (script is null ? scratch.Environment : scratch.EnvironmentWithScript(script)).Select(e => $"{e.Key}={e.Value}"));

    /// <summary>The attributes that point the task at FakeClaude and its records.</summary>
    public static string FakeClaudeAttributes(this FakeClaudeScratch scratch) =>
        $"ClaudePath=\"{FakeClaudeScratch.FakeClaudePath}\" EnvironmentVariables=\"{scratch.EnvironmentItems()}\" RetryDelay=\"20ms\"";
}
