namespace FakeClaude;

/// <summary>
/// <c>barrier=N</c>: wait until N invocations have reached this point, so a test knows that N ran at
/// once without guessing how fast processes start. Each arrival leaves a file named by its pid in
/// <c>$FAKE_CLAUDE_STATE_DIR/barrier</c>; later arrivals find N there already and go straight on.
/// </summary>
internal static class Barrier
{
    // A runner that never runs N at once shows up in the records as less concurrency, not as a hung test.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Returns how many invocations had arrived when the wait ended.</summary>
    public static int Wait(int count)
    {
        var state = Environment.GetEnvironmentVariable(Attempts.StateDirectoryVariable);
        if (string.IsNullOrEmpty(state))
        {
            throw new ScriptException($"barrier needs the {Attempts.StateDirectoryVariable} environment variable");
        }

        var directory = Directory.CreateDirectory(Path.Combine(state, "barrier")).FullName;
        File.WriteAllBytes(Path.Combine(directory, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)), []);
        var deadline = DateTime.UtcNow + Limit;
        int arrived;
        while ((arrived = Directory.EnumerateFiles(directory).Count()) < count && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        return arrived;
    }
}
