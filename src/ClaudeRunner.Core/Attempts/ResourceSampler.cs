using System.Runtime.InteropServices;

namespace ClaudeRunner;

/// <summary>
/// The peak resident memory and the CPU time of an attempt's whole process tree (claude and everything it started),
/// sampled from /proc on Linux every <see cref="Interval"/>: the tree's resident sets summed, the largest sum kept; each
/// process's user and system CPU time as last seen, summed. Between two samples a process that came and went is missed,
/// and a process's CPU time after its last sample is not counted (at most one interval of it). Other platforms: no figures.
/// Each sample also tells the caller (the constructor's callback) which processes the tree had, so that they can be found once they left it.
/// </summary>
internal sealed partial class ResourceSampler(int rootPid, Action<IReadOnlyList<ProcessStat>> seen)
{
    /// <summary>How often the tree is sampled: often enough to see what claude's tools start, rarely enough to cost nothing.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private const int ClockTicksName = 2; // _SC_CLK_TCK on Linux

    private static readonly Lazy<long> ClockTicksPerSecond = new(() => Math.Max(SystemConfiguration(ClockTicksName), 1));

    private readonly object _gate = new();
    private readonly Dictionary<int, long> _cpuTicks = [];
    private long _peakResidentBytes;
    private bool _sampled;

    /// <summary>Whether this platform has the figures (/proc).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>What the samples so far found; null before the first one that saw the tree.</summary>
    public ResourceUsage? Usage
    {
        get
        {
            lock (_gate)
            {
                return _sampled ? new ResourceUsage(_peakResidentBytes, TimeSpan.FromSeconds(_cpuTicks.Values.Sum() / (double)ClockTicksPerSecond.Value)) : null;
            }
        }
    }

    /// <summary>Samples now, then every <see cref="Interval"/> on <paramref name="time"/> until <paramref name="stop"/>.</summary>
    public async Task RunAsync(TimeProvider time, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Sample();
            // Ends on stop without an exception: every attempt stops its sampling, and a throw is dear under Native AOT.
            await Task.Delay(Interval, time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One look at the tree.</summary>
    public void Sample()
    {
        var tree = ProcessTree.TreeStats(rootPid);
        if (tree.Count == 0)
        {
            return;
        }

        seen(tree);
        lock (_gate)
        {
            _sampled = true;
            _peakResidentBytes = Math.Max(_peakResidentBytes, tree.Sum(process => process.ResidentBytes));
            foreach (var process in tree)
            {
                _cpuTicks[process.Pid] = process.CpuTicks;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SystemConfiguration(int name);
}
