namespace ClaudeRunner;

/// <summary>claude's version (<c>claude --version</c>), asked once per run: a new claude may answer differently, so it is part of every key.</summary>
internal static class ClaudeVersion
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The version line, or why it cannot be known.</summary>
    public static (string? Version, string? Problem) Ask(string claudePath)
    {
        var result = OneShotProcess.Run(claudePath, ["--version"], workingDirectory: null, Limit);
        var version = result?.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return result is { ExitCode: 0 } && version is not null
            ? (version, null)
            : (null, result is null
                ? $"`{claudePath} --version` could not be started or did not answer within {OptionText.FormatDuration(Limit)}"
                : $"`{claudePath} --version` exited with code {result.ExitCode}");
    }
}
