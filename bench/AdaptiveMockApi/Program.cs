// Adaptive concurrency with the real claude (see bench/README.md, "Adaptive concurrency"; run by bench/adaptive.sh
// real): the published CLI runs PROMPTS prompts with MaxParallel 16 and --retry 0 through the pinned claude against the
// end-to-end tests' mock Anthropic API, which admits 4 requests at once, answers each after ANSWER_MS and answers 429
// with retry-after: 1 above 4 (claude waits that out and asks again by itself, up to its default 10 retries). With
// adaptation on and off, one after the other, each against a fresh mock. Reports the makespan against the ideal, the
// mock's 429 answers, failed prompts, the CLI's exit code, the load average and the CPU the run took.
// usage: AdaptiveMockApi CLI CLAUDE [PROMPTS] [ANSWER_MS]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeRunner.EndToEnd.Tests.Harness;

const int Admitted = 4;
const int MaxParallel = 16;
var retryAfter = TimeSpan.FromSeconds(1);
var cli = Path.GetFullPath(args[0]);
var claude = Path.GetFullPath(args[1]);
var prompts = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 40;
var answer = TimeSpan.FromMilliseconds(args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1000);
var ideal = prompts / (double)Admitted * answer.TotalSeconds;

Console.WriteLine(FormattableString.Invariant(
    $"adaptive, real claude ({ClaudeVersion()}) against the mock API: {prompts} prompts, the mock admits {Admitted} requests at once, {answer.TotalMilliseconds} ms each, 429 with retry-after: {retryAfter.TotalSeconds} above; MaxParallel {MaxParallel}, --retry 0; ideal {ideal} s; {Environment.ProcessorCount} cores"));
foreach (var (label, extra) in new[] { ("adaptive", Array.Empty<string>()), ("fixed", ["--no-adaptive"]) })
{
    await RunAsync(label, extra);
}

async Task RunAsync(string label, string[] extra)
{
    await using var mock = await MockAnthropicApi.StartAsync();
    mock.DefaultBehaviour = MockBehaviour.AdmitAtOnce(Admitted, answer, retryAfter, holdUntilRefused: false);
    // claude's own retry budget stays its default (10); IS_SANDBOX=1 only as root, where claude refuses the engine's
    // default --dangerously-skip-permissions without it (it changes claude's handling of 529, not of 429).
    using var environment = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions { IsSandbox = ClaudeEnvironment.RunningAsRoot });
    var promptsFile = Path.Combine(environment.RootDirectory, "prompts.json");
    var logs = Path.Combine(environment.RootDirectory, "logs");
    WritePrompts(promptsFile, environment, prompts);

    var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
    var (selfBefore, childrenBefore) = ProcessCpu();
    var machineBefore = MachineBusy();
    var clock = Stopwatch.StartNew();
    var start = new ProcessStartInfo(cli)
    {
        WorkingDirectory = environment.RootDirectory,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    foreach (var argument in (string[])[promptsFile, "--claude", claude, "--max-parallel", $"{MaxParallel}", "--retry", "0", "--log-dir", logs, .. extra])
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var errors = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    var makespan = clock.Elapsed.TotalSeconds;
    var (selfAfter, childrenAfter) = ProcessCpu();
    var machine = MachineBusy() - machineBefore;
    var console = (await output) + await errors;

    using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(logs, "summary.json")));
    var failed = summary.RootElement.GetProperty("totals").GetProperty("failed").GetInt32();
    var claudeCpu = summary.RootElement.GetProperty("prompts").EnumerateArray()
        .Sum(p => p.TryGetProperty("cpuSeconds", out var cpu) && cpu.ValueKind == JsonValueKind.Number ? cpu.GetDouble() : 0);
    var limit = summary.RootElement.TryGetProperty("concurrency", out var concurrency)
        ? Limit(concurrency)
        : "fixed";
    // The engine's side: how many claude processes were alive at once (from each prompt's start and end).
    var alive = MockAnthropicApi.MaxConcurrent(summary.RootElement.GetProperty("prompts").EnumerateArray()
        .Select(p => (p.GetProperty("start").GetDateTimeOffset(), (DateTimeOffset?)p.GetProperty("end").GetDateTimeOffset())));

    // What the mock saw: the kinds of request, and per claude process (session) its model requests.
    var requests = mock.Requests;
    var messages = requests.Where(r => r.IsMessages).ToList();
    var refused = messages.Count(r => r.Status == 429);
    var kinds = string.Join(", ", requests.GroupBy(r => $"{r.Method} {r.Path}").Select(g => $"{g.Count()} {g.Key}"));
    var admittedPerSession = messages.Where(r => r.Status != 429).GroupBy(r => r.SessionId).Select(g => g.Count()).ToList();
    var runCpu = (childrenAfter - childrenBefore) + (selfAfter - selfBefore);

    Console.WriteLine(FormattableString.Invariant(
        $"{label,-9} {makespan,6:0.00} s ({makespan / ideal:0.00}x the ideal {ideal} s, throughput {ideal / makespan:0.00}x), {refused,3} answers 429, {failed,2} prompts failed, exit {process.ExitCode}; load {string.Join(' ', load)}"));
    Console.WriteLine(FormattableString.Invariant(
        $"          CPU: run {runCpu:0.0} s (CLI + claudes {childrenAfter - childrenBefore:0.0} s, of which claudes sampled {claudeCpu:0.0} s = {claudeCpu / prompts:0.00} s a prompt; mock {selfAfter - selfBefore:0.0} s) -> floor {runCpu / Environment.ProcessorCount:0.0} s on {Environment.ProcessorCount} cores; machine busy {machine:0.0} s of {makespan * Environment.ProcessorCount:0.0} s"));
    Console.WriteLine(FormattableString.Invariant(
        $"          mock: {kinds}; {admittedPerSession.Count} sessions, admitted model requests per session {admittedPerSession.DefaultIfEmpty().Min()}-{admittedPerSession.DefaultIfEmpty().Max()}; most in flight at once: {mock.MaxConcurrentMessageRequests()} requests, {mock.MaxConcurrentSessions()} sessions"));
    Console.WriteLine($"          engine: {limit}; at most {alive} claudes alive at once");
    if (process.ExitCode != 0 || failed > 0)
    {
        Console.WriteLine(console);
    }
}

// The adaptive limit's course: the 429 signals the engine counted, the changes, the highest limit reached.
static string Limit(JsonElement concurrency)
{
    var changes = concurrency.GetProperty("changes").EnumerateArray().ToList();
    var highest = changes.Select(c => c.GetProperty("to").GetInt32()).Append(concurrency.GetProperty("initial").GetInt32()).Max();
    return FormattableString.Invariant(
        $"{concurrency.GetProperty("rateLimitedSignals").GetInt32()} 429 signals, limit {concurrency.GetProperty("initial").GetInt32()} -> at most {highest} -> {concurrency.GetProperty("final").GetInt32()} in {changes.Count} changes ({changes.Count(c => c.GetProperty("to").GetInt32() < c.GetProperty("from").GetInt32())} down)");
}

static void WritePrompts(string file, ClaudeEnvironment environment, int count)
{
    // The prompts format can only set variables: a variable the environment removes is set empty (claude reads that as unset).
    var defaults = new JsonObject
    {
        ["workingDirectory"] = environment.WorkingDirectory,
        ["timeout"] = "180s",
        ["env"] = new JsonObject(environment.Variables.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)(v.Value ?? string.Empty)))),
    };
    var prompts = new JsonArray([.. Enumerable.Range(1, count).Select(n => (JsonNode)new JsonObject
    {
        ["id"] = $"p{n}",
        ["prompt"] = $"Say hi, prompt {n}.",
    })]);
    File.WriteAllText(file, new JsonObject { ["defaults"] = defaults, ["prompts"] = prompts }.ToJsonString());
}

// CPU seconds of this process (the mock) and of its waited-for descendants (the CLI and every claude it reaped):
// /proc/self/stat fields 14-17, in clock ticks of 1/100 s (USER_HZ on Linux).
static (double Self, double Children) ProcessCpu()
{
    var fields = File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ');
    double Ticks(int field) => double.Parse(fields[field - 3], CultureInfo.InvariantCulture) / 100;
    return (Ticks(14) + Ticks(15), Ticks(16) + Ticks(17));
}

// CPU seconds the whole machine spent busy (every core, every process: the other builders too), from /proc/stat.
static double MachineBusy()
{
    var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
        .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    return (ticks[..8].Sum() - ticks[3] - ticks[4]) / 100;
}

string ClaudeVersion()
{
    using var version = Process.Start(new ProcessStartInfo(claude, ["--version"]) { RedirectStandardOutput = true })!;
    var text = version.StandardOutput.ReadToEnd().Trim();
    version.WaitForExit();
    return text;
}
