using System.Globalization;
using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>
/// A scratch directory for one test, with FakeClaude (tests/FakeClaude) as the claude executable and
/// its records (start/end times, arguments, environment, received prompt bytes) collected here.
/// </summary>
public sealed class FakeClaudeScratch : IDisposable
{
    public FakeClaudeScratch()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("claude-runner-test-").FullName;
        RecordDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "records")).FullName;
        StateDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "state")).FullName;
        LogDirectory = Path.Combine(Directory, "logs");
    }

    /// <summary>
    /// The FakeClaude executable: the native one where the build made it (tests/Directory.Build.props), else the one the
    /// project reference copied beside the tests.
    /// </summary>
    public static string FakeClaudePath { get; } = FindFakeClaude();

    public string Directory { get; }

    public string RecordDirectory { get; }

    public string StateDirectory { get; }

    public string LogDirectory { get; }

    /// <summary>The environment that points FakeClaude at this scratch directory.</summary>
    public Dictionary<string, string> Environment => new()
    {
        ["FAKE_CLAUDE_RECORD_DIR"] = RecordDirectory,
        ["FAKE_CLAUDE_STATE_DIR"] = StateDirectory,
    };

    /// <summary>
    /// <see cref="Environment"/> plus <c>FAKE_CLAUDE_SCRIPT</c>: directives that hold from the fake's first
    /// instruction, before it reads its prompt (signal behaviour a timeout or a cancel must meet).
    /// </summary>
    public Dictionary<string, string> EnvironmentWithScript(string directives)
    {
        var environment = Environment;
        environment["FAKE_CLAUDE_SCRIPT"] = directives;
        return environment;
    }

    /// <summary>
    /// Waits for <paramref name="count"/> FakeClaude processes to write their <c>ready</c> record: from then on
    /// they react to signals as <c>FAKE_CLAUDE_SCRIPT</c> says. Returns their pids.
    /// </summary>
    public async Task<IReadOnlyList<int>> WaitForReadyAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var ready = System.IO.Directory.EnumerateFiles(RecordDirectory, "*.ready")
                .Select(file => int.Parse(Path.GetFileNameWithoutExtension(file), CultureInfo.InvariantCulture))
                .ToList();
            if (ready.Count >= count)
            {
                return ready;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{ready.Count} of {count} FakeClaude processes were ready after 60 s.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The prompts of <c>summary.json</c> by id: (outcome, attempts, durationMs).</summary>
    public static IReadOnlyDictionary<string, (string Outcome, int Attempts, long DurationMs)> SummaryPrompts(string summaryFile)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(summaryFile));
        return summary.RootElement.GetProperty("prompts").EnumerateArray().ToDictionary(
            p => p.GetProperty("id").GetString()!,
            p => (p.GetProperty("outcome").GetString()!, p.GetProperty("attempts").GetInt32(), p.GetProperty("durationMs").GetInt64()));
    }

    /// <summary>
    /// A prompt whose FakeClaude answers with <paramref name="output"/> as its structured output (when given --json-schema),
    /// as a JSON string literal for a prompts file: the directive's value quoted, since JSON texts have spaces.
    /// </summary>
    public static string PromptWithOutput(string output, string text = "Review src/auth.cs") =>
        JsonSerializer.Serialize($"@fake output=\"{output.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n{text}");

    /// <summary>Writes a file under the scratch directory and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Every FakeClaude invocation recorded so far.</summary>
    public IReadOnlyList<FakeInvocation> Invocations() =>
        [.. System.IO.Directory.EnumerateFiles(RecordDirectory, "*.start.json").Select(FakeInvocation.Read).OrderBy(i => i.Start)];

    /// <summary>The most invocations that were running at the same moment.</summary>
    public int MaxConcurrency()
    {
        var edges = Invocations()
            .Where(i => i.End is not null)
            .SelectMany(i => new[] { (Time: i.Start, Delta: 1), (Time: i.End!.Value, Delta: -1) })
            .OrderBy(e => e.Time).ThenBy(e => e.Delta);
        int current = 0, max = 0;
        foreach (var edge in edges)
        {
            current += edge.Delta;
            max = Math.Max(max, current);
        }

        return max;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindFakeClaude()
    {
        var native = typeof(FakeClaudeScratch).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NativeFakeClaude")?.Value;
        if (native is not null)
        {
            return File.Exists(native) ? native : throw new FileNotFoundException($"The native FakeClaude was not built at {native}.");
        }

        var name = OperatingSystem.IsWindows() ? "FakeClaude.exe" : "FakeClaude";
        var path = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"FakeClaude was not built beside the tests at {path}.");
    }
}

/// <summary>One recorded FakeClaude process.</summary>
public sealed record FakeInvocation(int Pid, DateTime Start, DateTime? End, int? ExitCode, IReadOnlyList<string> Args, string Cwd, IReadOnlyDictionary<string, string> Env, byte[] Prompt, int? GrandchildPid)
{
    /// <summary>The arguments without the session the runner gives every attempt (<c>--session-id</c> and a UUID, last).</summary>
    public IReadOnlyList<string> ArgsWithoutSession
    {
        get
        {
            Assert.True(Args.Count >= 2 && Args[^2] == "--session-id" && Guid.TryParse(Args[^1], out _), "no --session-id UUID at the end: " + string.Join(' ', Args));
            return [.. Args.Take(Args.Count - 2)];
        }
    }

    public static FakeInvocation Read(string startFile)
    {
        var directory = Path.GetDirectoryName(startFile)!;
        using var start = JsonDocument.Parse(File.ReadAllText(startFile));
        var root = start.RootElement;
        var pid = root.GetProperty("pid").GetInt32();
        DateTime? end = null;
        int? exitCode = null;
        var endFile = Path.Combine(directory, $"{pid}.end.json");
        if (File.Exists(endFile))
        {
            using var endJson = JsonDocument.Parse(File.ReadAllText(endFile));
            end = FromUnixMs(endJson.RootElement.GetProperty("endUnixMs").GetDouble());
            exitCode = endJson.RootElement.GetProperty("exitCode").GetInt32();
        }

        var grandchildFile = Path.Combine(directory, $"{pid}.grandchild");
        return new FakeInvocation(
            pid,
            FromUnixMs(root.GetProperty("startUnixMs").GetDouble()),
            end,
            exitCode,
            [.. root.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)],
            root.GetProperty("cwd").GetString()!,
            root.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            File.ReadAllBytes(Path.Combine(directory, $"{pid}.prompt")),
            File.Exists(grandchildFile) ? int.Parse(File.ReadAllText(grandchildFile).Trim(), CultureInfo.InvariantCulture) : null);
    }

    private static DateTime FromUnixMs(double ms) => DateTime.UnixEpoch.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond));
}

/// <summary>Whether processes are alive (a zombie counts as gone: it runs nothing).</summary>
public static class ProcessProbe
{
    /// <summary>
    /// Fails at once, saying why, when this process ignores SIGINT: its children inherit that, and a runner that ignores
    /// SIGINT would never stop. A shell without job control starts background commands (<c>cmd &amp;</c>) that way.
    /// </summary>
    public static void AssertInterruptReachesChildren()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        const int sigint = 2;
        var ignored = File.ReadLines("/proc/self/status").First(line => line.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = ulong.Parse(ignored["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        Xunit.Assert.True((mask & (1UL << (sigint - 1))) == 0,
            "The tests were started with SIGINT ignored (in the background by a shell without job control), so the runner under test would ignore it too: run them in the foreground or under `set -m`.");
    }

    public static bool IsAlive(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false; // No such process.
            }
        }

        // A zombie (exited, not yet reaped) counts as gone.
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Pids of live processes whose environment carries <paramref name="needle"/>.</summary>
    public static IReadOnlyList<int> WithEnvironment(string needle)
    {
        var found = new List<int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == System.Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "environ"))).Contains(needle, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
