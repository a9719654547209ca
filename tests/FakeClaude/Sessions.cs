namespace FakeClaude;

/// <summary>
/// Transcripts, as far as a test needs them: a session that was persisted leaves a file named by its id in
/// <c>$FAKE_CLAUDE_STATE_DIR/sessions</c>, so <c>--resume id</c> of one that was not says "No conversation found"
/// like the real CLI. <c>--session-id</c> names the session (with <c>--resume … --fork-session</c>, the fork).
/// </summary>
internal static class Sessions
{
    /// <summary>The id of this run's session, recorded with the prompt that began its conversation unless <c>--no-session-persistence</c> was given.</summary>
    public static string Begin(CommandLine line, string conversationStart)
    {
        var id = line.SessionId ?? (line.Resume is { } resumed && !line.ForkSession ? resumed : Guid.NewGuid().ToString());
        if (!line.NoSessionPersistence && Directory() is { } directory)
        {
            File.WriteAllText(Path.Combine(directory, id), conversationStart);
        }

        return id;
    }

    /// <summary>The prompt that began session <paramref name="id"/>; null when it was never recorded.</summary>
    public static string? Read(string id) =>
        Directory() is { } directory && File.Exists(Path.Combine(directory, Path.GetFileName(id))) ? File.ReadAllText(Path.Combine(directory, Path.GetFileName(id))) : null;

    private static string? Directory() =>
        Environment.GetEnvironmentVariable(Attempts.StateDirectoryVariable) is { Length: > 0 } state
            ? System.IO.Directory.CreateDirectory(Path.Combine(state, "sessions")).FullName
            : null;
}
