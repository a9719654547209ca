using System.Diagnostics;
using System.Globalization;
using ClaudeRunner;

// How long expanding a foreach over N files takes, and what it allocates: N files in 100 folders, plus as many
// excluded ones (obj/), loaded five times; the median and the allocation of one load are printed.
// Usage: FanOut [N] (default 10000)
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var root = Directory.CreateTempSubdirectory("claude-runner-fanout-").FullName;
try
{
    for (var i = 0; i < count; i++)
    {
        foreach (var folder in new[] { "src", "src/obj" })
        {
            var directory = Path.Combine(root, folder, $"d{i % 100:00}");
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, $"f{i:00000}.cs"), string.Empty);
        }
    }

    var json = """{"prompts": [{"id": "review", "prompt": "Review {file}", "foreach": ["src/**/*.cs", "!**/obj/**"]}]}""";
    var times = new List<double>();
    long allocated = 0;
    var prompts = 0;
    for (var run = 0; run < 5; run++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        prompts = PromptSet.Load([PromptSource.FromJson(json, "bench")], PromptOptions.None, root).Prompts.Count;
        times.Add(clock.Elapsed.TotalMilliseconds);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    }

    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fan-out: {prompts} prompts from {2 * count} files: median {times[2]:0} ms (fastest {times[0]:0}, slowest {times[^1]:0} ms), {allocated / 1024.0 / 1024.0:0.0} MiB allocated per load"));
}
finally
{
    Directory.Delete(root, recursive: true);
}
