namespace ClaudeRunner;

/// <summary>
/// The CI systems whose parallel-job variables <c>--shard auto</c> reads, in the order they are looked for: the one
/// place that knows their names and whether they count from 0 or 1. GitHub Actions has no such variable (its matrix
/// gives <c>strategy.job-index</c> to the workflow, not to the job's environment): there the workflow passes
/// <c>--shard i/n</c>. A Kubernetes Indexed Job has an index but no total: <c>auto/n</c> gives it.
/// </summary>
internal static class CiParallelJobs
{
    /// <summary>Every CI system <c>auto</c> knows.</summary>
    public static IReadOnlyList<CiParallelJob> All { get; } =
    [
        new("GitLab", "CI_NODE_INDEX", "CI_NODE_TOTAL", FirstIndex: 1),
        new("Azure Pipelines", "SYSTEM_JOBPOSITIONINPHASE", "SYSTEM_TOTALJOBSINPHASE", FirstIndex: 1),
        new("Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", FirstIndex: 0),
        new("CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", FirstIndex: 0),
        new("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", TotalVariable: null, FirstIndex: 0),
    ];
}

/// <summary>How one CI system tells a job which of its parallel jobs it is.</summary>
/// <param name="Name">The system, as messages name it.</param>
/// <param name="IndexVariable">The variable with the job's index.</param>
/// <param name="TotalVariable">The variable with the number of parallel jobs; null when the system has none (the user gives it).</param>
/// <param name="FirstIndex">The index of the first job: 0 or 1.</param>
internal sealed record CiParallelJob(string Name, string IndexVariable, string? TotalVariable, int FirstIndex);
