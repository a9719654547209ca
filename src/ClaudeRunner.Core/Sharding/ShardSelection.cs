namespace ClaudeRunner;

/// <summary>
/// Turns the <c>Shard</c> option into the shard this job runs: <c>i/n</c> as written; <c>auto</c> (or <c>auto/n</c>,
/// the total given) from the CI's parallel-job variables (<see cref="CiParallelJobs"/>). Outside a parallel job, or in
/// one of a single job, <c>auto</c> runs the whole set and says so once.
/// </summary>
internal static class ShardSelection
{
    /// <summary>The form of <c>auto</c> with the total given: <c>auto/4</c>.</summary>
    public const string Auto = "auto";

    /// <summary>The shard of <paramref name="option"/> (null: the whole set), and what to say about it once (or null).</summary>
    /// <param name="option">The option's value, as <see cref="ShardKind"/> accepts it; null when unset.</param>
    /// <param name="environment">Reads an environment variable (null when unset); tests pass their own.</param>
    /// <exception cref="InvalidInputException">The CI's variables are malformed, contradict a given total, or lack the total.</exception>
    public static (Shard? Shard, string? Note) Resolve(string? option, Func<string, string?> environment)
    {
        if (option is null)
        {
            return (null, null);
        }

        if (!option.StartsWith(Auto, StringComparison.Ordinal))
        {
            return (Shard.Parse(option) ?? throw Invalid($"Shard '{option}' is not i/n."), null);
        }

        var givenTotal = option.Length > Auto.Length ? Shard.WholeNumber(option[(Auto.Length + 1)..]) : null;
        var ci = CiParallelJobs.All.FirstOrDefault(job => !string.IsNullOrWhiteSpace(environment(job.IndexVariable)));
        if (ci is null)
        {
            var names = string.Join(", ", CiParallelJobs.All.Select(job => job.IndexVariable));
            return (null, $"Shard {option}: this is not a CI parallel job (none of {names} is set), so it runs the whole set.");
        }

        var indexText = environment(ci.IndexVariable)!.Trim();
        var index = Shard.WholeNumber(indexText) ?? throw Invalid($"Shard {option}: {ci.IndexVariable} ({ci.Name}) is '{indexText}', not a whole number.");
        var total = Total(option, ci, givenTotal, environment);
        var shardIndex = index - ci.FirstIndex + 1;
        if (shardIndex < 1 || shardIndex > total)
        {
            var first = ci.FirstIndex;
            throw Invalid($"Shard {option}: {ci.IndexVariable} ({ci.Name}) is {index}, outside {first} to {total - 1 + first} for {total} jobs (it counts from {first}).");
        }

        return total == 1
            ? (null, $"Shard {option}: this is the only parallel job ({ci.Name}), so it runs the whole set.")
            : (new Shard(shardIndex, total), null);
    }

    private static int Total(string option, CiParallelJob ci, int? givenTotal, Func<string, string?> environment)
    {
        if (ci.TotalVariable is not { } variable)
        {
            return givenTotal ?? throw Invalid($"Shard {option}: {ci.IndexVariable} is set ({ci.Name}) but the number of jobs is not: write it as auto/N, N the Job's completions.");
        }

        var totalText = environment(variable)?.Trim();
        if (string.IsNullOrEmpty(totalText))
        {
            return givenTotal ?? throw Invalid($"Shard {option}: {ci.IndexVariable} is set ({ci.Name}) but {variable} is not: write the number of jobs as auto/N.");
        }

        var total = Shard.WholeNumber(totalText) is { } parsed and > 0 ? parsed : throw Invalid($"Shard {option}: {variable} ({ci.Name}) is '{totalText}', not a whole number of at least 1.");
        return givenTotal is { } given && given != total
            ? throw Invalid($"Shard {option}: {variable} ({ci.Name}) says {total} jobs, not {given}.")
            : total;
    }

    private static InvalidInputException Invalid(string message) => new([new InputError(message)]);
}
