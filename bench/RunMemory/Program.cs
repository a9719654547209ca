using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClaudeRunner;

// What a run holds per prompt: N prompts (the shape bench/validate.sh writes) through the engine with a claude that
// exits at once. The managed heap is sampled after a full collection (what is held, not garbage waiting for the GC)
// every SAMPLE_MS while prompts run, from the 50th start on (by then the first wave has started and every prompt has
// been handed to the run); it is compared with the heap of the plan alone (the dry run's data). With CANCEL_AFTER_S
// the run is cancelled that long after its first sample (a big run on a slow machine takes long; what it holds per
// waiting prompt shows from the start) and sampling stops there; the never-started prompts' rows are then made and
// reported.
// Usage: RunMemory CLAUDE PROMPTS [MAX_PARALLEL] [SAMPLE_MS] [CANCEL_AFTER_S]
if (args.Length is < 2 or > 5)
{
    await Console.Error.WriteLineAsync("usage: RunMemory CLAUDE PROMPTS [MAX_PARALLEL] [SAMPLE_MS] [CANCEL_AFTER_S]");
    return 2;
}

var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var maxParallel = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
var sampleMs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1000;
var cancelAfter = args.Length > 4 ? TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture)) : Timeout.InfiniteTimeSpan;
var work = Directory.CreateTempSubdirectory("claude-runner-run-memory-").FullName;
try
{
    var promptsFile = Path.Combine(work, "prompts.json");
    await using (var file = File.Create(promptsFile))
    {
        await JsonSerializer.SerializeAsync(file, new
        {
            defaults = new { timeout = "10m" },
            prompts = Enumerable.Range(0, count).Select(i => new { id = $"p{i}", prompt = $"Review file {i} for bugs", retries = 1 }),
        });
    }

    var request = new RunRequest
    {
        Sources = [PromptSource.FromFile(promptsFile)],
        MaxParallel = maxParallel,
        ClaudePath = args[0],
        LogDirectory = Path.Combine(work, "logs"),
        HeartbeatInterval = TimeSpan.Zero,
    };

    var baseline = HeldBytes();
    var planned = PlanAlone(request) - baseline;

    long peak = 0;
    long atFirstStart = -1;
    using var stop = new CancellationTokenSource();
    using var cancel = new CancellationTokenSource();
    var firstStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var sampler = Task.Run(async () =>
    {
        await firstStart.Task;
        cancel.CancelAfter(cancelAfter);
        while (!stop.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            var held = HeldBytes();
            peak = Math.Max(peak, held);
            if (atFirstStart < 0)
            {
                atFirstStart = held;
            }

            await Task.Delay(sampleMs);
        }
    });

    var clock = Stopwatch.StartNew();
    var summary = await ClaudeRunnerEngine.RunAsync(request, new NthStart(50, firstStart), cancel.Token);
    var wall = clock.Elapsed;
    await stop.CancelAsync();
    await sampler;

    var rssMb = Status("VmHWM") / 1024.0;
    var succeeded = summary.Results.Count(r => r.Outcome == Outcome.Succeeded);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"prompts {count}, MaxParallel {maxParallel}: {succeeded} succeeded{(summary.Cancelled ? " (cancelled)" : string.Empty)} in {wall.TotalSeconds:F1} s; plan alone {Mb(planned)} MB ({Kb(planned, count)} KB/prompt); " +
        $"run: held at the first sample {Mb(atFirstStart - baseline)} MB ({Kb(atFirstStart - baseline, count)} KB/prompt), peak held {Mb(peak - baseline)} MB ({Kb(peak - baseline, count)} KB/prompt); peak RSS {rssMb:F0} MB"));
    return succeeded == count || summary.Cancelled ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}

// Its own method, so that nothing of the plan outlives it in this one's locals.
static long PlanAlone(RunRequest request)
{
    var plan = ClaudeRunnerEngine.Plan(request);
    var held = HeldBytes();
    GC.KeepAlive(plan);
    return held;
}

static long HeldBytes()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    return GC.GetTotalMemory(forceFullCollection: true);
}

static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

static string Kb(long bytes, int count) => (bytes / 1024.0 / count).ToString("F2", CultureInfo.InvariantCulture);

static long Status(string field) =>
    File.ReadLines("/proc/self/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();

/// <summary>Lets the sampler begin once the <paramref name="count"/>th attempt started.</summary>
internal sealed class NthStart(int count, TaskCompletionSource started) : IRunObserver
{
    private int _starts;

    public void OnEvent(RunEvent runEvent)
    {
        if (runEvent is PromptStarted && ++_starts == count)
        {
            started.TrySetResult();
        }
    }
}
