namespace FakeClaude;

/// <summary>
/// <c>server_limit=N</c>: a server that admits N requests at once, shared by every fake of a test through lock
/// files in <c>$FAKE_CLAUDE_STATE_DIR/server</c> (an exclusive lock per slot; the operating system drops it when a
/// fake dies). A fake that finds every slot taken does what the real CLI does on a 429: it prints an
/// <c>api_retry</c> line with its delay, waits and asks again, and gives up with a 429 after its retries.
/// </summary>
internal static class ServerLimit
{
    /// <summary>Holds a slot for the "request", or returns null when every try was refused.</summary>
    public static FileStream? Admit(int limit, int retries, int retryMs, StreamJson? output)
    {
        var state = Environment.GetEnvironmentVariable(Attempts.StateDirectoryVariable);
        if (string.IsNullOrEmpty(state))
        {
            throw new ScriptException($"server_limit needs the {Attempts.StateDirectoryVariable} environment variable");
        }

        var directory = Directory.CreateDirectory(Path.Combine(state, "server")).FullName;
        for (var attempt = 1; ; attempt++)
        {
            for (var slot = 0; slot < limit; slot++)
            {
                try
                {
                    return new FileStream(Path.Combine(directory, $"slot-{slot}"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    // Taken by another fake: try the next slot.
                }
            }

            File.AppendAllText(Path.Combine(directory, "rejected"), "429\n");
            if (attempt > retries)
            {
                return null;
            }

            output?.ApiRetry(429, attempt, retries, retryMs);
            Thread.Sleep(retryMs);
        }
    }
}
