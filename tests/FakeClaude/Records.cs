using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace FakeClaude;

/// <summary>
/// Per-invocation record files in <c>FAKE_CLAUDE_RECORD_DIR</c>, named by pid, so tests can assert
/// parallelism (start/end times), arguments, environment and byte-exact prompts. Every file is
/// written to a temp name and renamed, so a reader never sees half a file.
/// </summary>
internal sealed class Records
{
    public const string DirectoryVariable = "FAKE_CLAUDE_RECORD_DIR";

    private static readonly string[] RecordedPrefixes = ["FAKE_", "CLAUDE_", "ANTHROPIC_", "IS_SANDBOX", "CR_TEST_"];

    private readonly string directory;
    private readonly int pid = Environment.ProcessId;

    private Records(string directory) => this.directory = directory;

    /// <summary>The records of this invocation, or null when the test did not ask for them.</summary>
    public static Records? FromEnvironment()
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (string.IsNullOrEmpty(directory))
        {
            return null;
        }

        Directory.CreateDirectory(directory);
        return new Records(directory);
    }

    /// <summary>Milliseconds since the Unix epoch with sub-millisecond precision (tick-based, not rounded).</summary>
    public static double NowUnixMs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// <c>&lt;pid&gt;.ready</c>: the signal behaviour of the environment's directives is in place, so a test
    /// may signal this process and get the scripted reaction. Written before stdin is read.
    /// </summary>
    public void Ready() => Write("ready", System.Text.Encoding.ASCII.GetBytes(NowUnixMs().ToString("F3", CultureInfo.InvariantCulture)));

    public void Prompt(byte[] bytes) => Write("prompt", bytes);

    public void Start(double startUnixMs, IReadOnlyList<string> args) => WriteJson("start.json", w =>
    {
        w.WriteNumber("pid", pid);
        w.WriteNumber("startUnixMs", startUnixMs);
        w.WriteStartArray("args");
        foreach (var arg in args)
        {
            w.WriteStringValue(arg);
        }

        w.WriteEndArray();
        w.WriteString("cwd", Environment.CurrentDirectory);
        w.WriteStartObject("env");
        var variables = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => (Name: (string)e.Key, Value: (string?)e.Value ?? ""))
            .Where(e => RecordedPrefixes.Any(p => e.Name.StartsWith(p, StringComparison.Ordinal)))
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
    });

    public void Grandchild(int grandchildPid) => Write("grandchild", System.Text.Encoding.ASCII.GetBytes(grandchildPid.ToString(CultureInfo.InvariantCulture)));

    public void End(int exitCode) => WriteJson("end.json", w =>
    {
        w.WriteNumber("pid", pid);
        w.WriteNumber("endUnixMs", NowUnixMs());
        w.WriteNumber("exitCode", exitCode);
    });

    private void WriteJson(string suffix, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        Write(suffix, buffer.WrittenSpan.ToArray());
    }

    private void Write(string suffix, byte[] bytes)
    {
        var path = Path.Combine(directory, $"{pid}.{suffix}");
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
