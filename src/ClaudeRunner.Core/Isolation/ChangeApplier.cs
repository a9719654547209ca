namespace ClaudeRunner;

/// <summary>
/// Applies a successful prompt's patch to the main working tree when the run has finished. The patch is checked first
/// (<c>git apply --check</c>), so one that does not apply leaves the tree as it was, and the prompt becomes
/// <see cref="Outcome.Conflicted"/>, naming the files git refused. Not <c>--3way</c>: its <c>--check</c> passes a patch
/// that then leaves conflict markers (measured on git 2.39, docs/isolation.md), and it writes to the user's index.
/// </summary>
internal static class ChangeApplier
{
    /// <summary>The result with its patch applied, or turned <see cref="Outcome.Conflicted"/>.</summary>
    public static async Task<PromptResult> ApplyAsync(WorktreeIsolation isolation, PromptResult result)
    {
        if (result.Changes is not { Files.Count: > 0 } changes)
        {
            return result;
        }

        // Paths in the patch are from the top of the tree: git apply runs there.
        string[] apply = ["apply", "--whitespace=nowarn", changes.PatchFile];
        var answer = await Git.RunAsync(isolation.Repository, [.. apply.Take(1), "--check", .. apply.Skip(1)]).ConfigureAwait(false);
        if (answer is { ExitCode: 0 })
        {
            answer = await Git.RunAsync(isolation.Repository, apply).ConfigureAwait(false);
            if (answer is { ExitCode: 0 })
            {
                return result with { Changes = changes with { Applied = true } };
            }
        }

        var refusal = answer?.Error ?? "git could not be started or did not finish";
        var conflicting = changes.Files.Where(file => refusal.Contains(file.Path, StringComparison.Ordinal) || (file.From is { } from && refusal.Contains(from, StringComparison.Ordinal))).Select(file => file.Path).ToList();
        var verdict = Verdict.Conflicted(conflicting.Count > 0 ? conflicting : changes.Files.Select(file => file.Path), changes.PatchFile);
        return result with { Outcome = verdict.Outcome, Message = verdict.Message };
    }
}
