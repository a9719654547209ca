namespace ClaudeRunner;

/// <summary>What an attempt's process tree used.</summary>
/// <param name="PeakResidentBytes">The largest resident memory of the whole tree at one sample.</param>
/// <param name="CpuTime">User and system CPU time of every process of the tree.</param>
public sealed record ResourceUsage(long PeakResidentBytes, TimeSpan CpuTime)
{
    /// <summary>The peak in MiB, one decimal, as the reports show it.</summary>
    public double PeakMemoryMB => Math.Round(PeakResidentBytes / (1024.0 * 1024.0), 1);

    /// <summary>The CPU time in seconds, three decimals, as the reports show it.</summary>
    public double CpuSeconds => Math.Round(CpuTime.TotalSeconds, 3);

    /// <summary>The usage of several attempts: the highest peak, the CPU times summed.</summary>
    public static ResourceUsage? Combine(IEnumerable<ResourceUsage?> usages)
    {
        var known = usages.OfType<ResourceUsage>().ToList();
        return known.Count == 0 ? null : new ResourceUsage(known.Max(u => u.PeakResidentBytes), TimeSpan.FromTicks(known.Sum(u => u.CpuTime.Ticks)));
    }

    /// <summary>"peak memory 123.4 MB, CPU 1.230 s".</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"peak memory {PeakMemoryMB:0.0} MB, CPU {CpuSeconds:0.000} s");
}
