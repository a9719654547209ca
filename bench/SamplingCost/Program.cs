// The cost of one resource sample (see bench/README.md, "Resource sampling"): ResourceSampler.Sample() on this
// process's own tree, repeated, as the engine does for every running attempt every 500 ms. The sampler is internal to
// the engine; reflection reaches it so that the measured code is the shipped code.
using System.Diagnostics;
using System.Reflection;

var samples = args.Length > 0 ? int.Parse(args[0]) : 2000;
var type = typeof(ClaudeRunner.ClaudeRunnerEngine).Assembly.GetType("ClaudeRunner.ResourceSampler", throwOnError: true)!;
var sampler = Activator.CreateInstance(type, Environment.ProcessId)!;
var sample = type.GetMethod("Sample", BindingFlags.Public | BindingFlags.Instance)!;
sample.Invoke(sampler, null);

var processes = Directory.EnumerateDirectories("/proc").Count(d => char.IsDigit(Path.GetFileName(d)[0]));
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var clock = Stopwatch.StartNew();
for (var i = 0; i < samples; i++)
{
    sample.Invoke(sampler, null);
}

var wall = clock.Elapsed;
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var perSample = cpu.TotalMilliseconds / samples;
Console.WriteLine($"{samples} samples with {processes} processes on the machine: {wall.TotalMilliseconds / samples:0.000} ms wall, {perSample:0.000} ms CPU per sample");
// Two samples a second per running attempt.
foreach (var parallel in new[] { 4, 8, 16 })
{
    Console.WriteLine($"  {parallel} attempts running: {parallel * 2 * perSample / 10:0.00}% of one core");
}
