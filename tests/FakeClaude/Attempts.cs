using System.Globalization;
using System.Security.Cryptography;

namespace FakeClaude;

/// <summary>
/// The invocation counter behind <c>fail_first=K</c>: a small text file per prompt, incremented
/// under an exclusive lock (FileShare.None is an flock on Unix) because the runner starts
/// retries and other prompts concurrently.
/// </summary>
internal static class Attempts
{
    public const string StateDirectoryVariable = "FAKE_CLAUDE_STATE_DIR";

    /// <summary><c>state=PATH</c>, else <c>$FAKE_CLAUDE_STATE_DIR/&lt;sha256 of the prompt bytes&gt;</c>.</summary>
    public static string PathFor(Script script, byte[] prompt)
    {
        if (script.State is { } explicitPath)
        {
            return Path.GetFullPath(explicitPath);
        }

        var directory = Environment.GetEnvironmentVariable(StateDirectoryVariable);
        if (string.IsNullOrEmpty(directory))
        {
            throw new ScriptException($"fail_first needs state=PATH or the {StateDirectoryVariable} environment variable");
        }

        return Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(prompt)));
    }

    /// <summary>Returns how many invocations came before this one (0 for the first) and counts this one.</summary>
    public static int Next(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                using var reader = new StreamReader(file, leaveOpen: true);
                var text = reader.ReadToEnd().Trim();
                var before = text.Length == 0 ? 0 : int.Parse(text, CultureInfo.InvariantCulture);
                file.SetLength(0);
                file.Position = 0;
                using var writer = new StreamWriter(file);
                writer.Write((before + 1).ToString(CultureInfo.InvariantCulture));
                return before;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another invocation holds the lock.
                Thread.Sleep(5);
            }
        }
    }
}
