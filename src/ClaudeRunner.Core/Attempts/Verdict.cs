using System.Globalization;

namespace ClaudeRunner;

/// <summary>
/// How a prompt or one attempt of it ended, and why in one line. Every outcome is decided here: from a
/// finished claude, from the runner stopping it, from a prompt that never started, and from the runner's
/// own failure. The exit code alone lies (claude exits 0 on SIGINT and when the model says it failed), so a
/// finished attempt is judged by its final result line first (claude-cli.md): success is exit 0, a result
/// line, <c>is_error:false</c>, and no <c>error_*</c> subtype.
/// </summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Message">Why, in one line.</param>
internal readonly record struct Verdict(Outcome Outcome, string Message)
{
    private const string RootRefusal = "cannot be used with root/sudo privileges";

    /// <summary>The structured output of a success that asked for it, unwrapped and checked against the schema.</summary>
    public System.Text.Json.JsonElement? Output { get; init; }
    private const int DetailLength = 300;

    /// <summary>The run was cancelled before the prompt's first attempt.</summary>
    public static Verdict NotStartedCancelled { get; } = new(Outcome.Cancelled, "Not started: the run was cancelled.");

    /// <summary>The run was cancelled while claude ran: it was stopped.</summary>
    public static Verdict Cancelled { get; } = new(Outcome.Cancelled, "Cancelled: claude was stopped.");

    /// <summary>Fail-fast: an earlier prompt failed for good, so this one never started.</summary>
    public static Verdict NotStartedFailFast(string failedPromptId) =>
        new(Outcome.Cancelled, $"Not started: fail-fast after '{failedPromptId}' failed.");

    /// <summary>The API's usage limit was reached by another prompt, so this one never started.</summary>
    public static Verdict NotStartedUsageLimit(string limit) =>
        new(Outcome.Cancelled, $"Not started: the API's usage limit is reached ({limit}).");

    /// <summary>The claude executable could not be found before the run; no prompt starts.</summary>
    public static Verdict ClaudeNotFound(string reason) => new(Outcome.LaunchFailed, reason);

    /// <summary>The executable exists but the operating system would not start it.</summary>
    public static Verdict CannotStart(string path, string reason) =>
        new(Outcome.LaunchFailed, $"claude could not be started from '{path}': {reason}. {ClaudeExecutable.InstallAdvice}");

    /// <summary>claude outlived its wall-clock timeout and was stopped.</summary>
    public static Verdict TimedOut(TimeSpan timeout) =>
        new(Outcome.TimedOut, $"Timed out after {OptionText.FormatDuration(timeout)}: claude was stopped.");

    /// <summary>The attempt's git worktree could not be made: claude never started.</summary>
    public static Verdict WorktreeFailed(string reason) => new(Outcome.LaunchFailed, $"The prompt's git worktree could not be created: {reason}");

    /// <summary>The prompt succeeded, but its patch does not apply to the main working tree.</summary>
    public static Verdict Conflicted(IEnumerable<string> files, string patchFile) =>
        new(Outcome.Conflicted, $"Succeeded in its worktree, but its changes conflict with the main working tree in {string.Join(", ", files)}: nothing of it was applied. The patch is kept: {patchFile}");

    /// <summary>The runner itself failed on the prompt (its logs could not be written, or a bug); the prompt keeps its row.</summary>
    public static Verdict RunnerFailure(Exception exception, string logDirectory) => new(
        Outcome.Failed,
        exception is IOException or UnauthorizedAccessException
            ? $"The runner could not write the logs in '{logDirectory}': {exception.Message}"
            : $"The runner failed on this prompt: {exception.GetType().Name}: {exception.Message}");

    /// <summary>Judges a claude that exited by itself.</summary>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="result">Its final result line, if it wrote one.</param>
    /// <param name="stderrTail">The end of its stderr.</param>
    /// <param name="skippedPermissions">Whether it was given <c>--dangerously-skip-permissions</c>.</param>
    /// <param name="output">The schema the answer must follow, when the prompt asked for structured output.</param>
    public static Verdict Of(int exitCode, ClaudeResult? result, string stderrTail, bool skippedPermissions, OutputSchema? output = null)
    {
        if (result is not null)
        {
            var verdict = Of(exitCode, result);
            if (verdict.Outcome != Outcome.Succeeded || output is null)
            {
                return verdict;
            }

            // A success without (valid) structured output is no success for a prompt that asked for it (claude-cli.md, "Structured output").
            var (received, problem) = output.Check(result.StructuredOutput, result.Text);
            return problem is null ? verdict with { Output = received } : new(Outcome.NoStructuredOutput, problem);
        }

        if (stderrTail.Contains(RootRefusal, StringComparison.Ordinal))
        {
            return new(Outcome.LaunchFailed, RootRefusalMessage(skippedPermissions));
        }

        if (exitCode == 0)
        {
            return new(Outcome.Interrupted, "claude exited with code 0 but wrote no result line: the run was interrupted.");
        }

        if (exitCode > 128)
        {
            return new(Outcome.Interrupted, $"claude was stopped by signal {exitCode - 128} (exit code {exitCode}) before it wrote a result.");
        }

        if (stderrTail.Contains("unknown option", StringComparison.OrdinalIgnoreCase) || stderrTail.TrimStart().StartsWith("error:", StringComparison.OrdinalIgnoreCase))
        {
            return new(Outcome.LaunchFailed, $"claude refused its arguments: {LastLine(stderrTail)}");
        }

        return new(Outcome.Failed, $"claude exited with code {exitCode} without a result.{(stderrTail.Length > 0 ? " stderr: " + LastLine(stderrTail) : string.Empty)}");
    }

    private static Verdict Of(int exitCode, ClaudeResult result)
    {
        // An error subtype fails even when is_error is false (max turns, budget, structured output retries).
        var errorSubtype = result.Subtype.StartsWith("error_", StringComparison.Ordinal);
        if (!result.IsError && !errorSubtype)
        {
            return exitCode == 0
                ? new(Outcome.Succeeded, "Succeeded.")
                : new(Outcome.Failed, $"claude reported success but exited with code {exitCode}.");
        }

        if (UsageLimits.Reached(result) is { } limit)
        {
            return new(Outcome.UsageLimited, $"The API's usage limit is reached ({limit}): not retried, and the run starts no new prompt.");
        }

        var detail = Shorten(result.Text ?? (result.Errors.Count > 0 ? string.Join("; ", result.Errors) : result.Subtype));
        var byStatus = result.ApiErrorStatus switch
        {
            429 => Outcome.RateLimited,
            529 => Outcome.Overloaded,
            401 or 403 => Outcome.AuthFailed,
            >= 500 and < 600 => Outcome.ServerError,
            _ => (Outcome?)null,
        };
        var outcome = byStatus ?? result.ApiErrorType switch
        {
            "rate_limit_error" => Outcome.RateLimited,
            "overloaded_error" => Outcome.Overloaded,
            "authentication_error" or "permission_error" => Outcome.AuthFailed,
            "api_error" => Outcome.ServerError,
            _ => Outcome.Failed,
        };
        var apiError = result.ApiErrorStatus?.ToString(CultureInfo.InvariantCulture) ?? result.ApiErrorType;
        return outcome switch
        {
            Outcome.Failed when result.Subtype == "error_max_structured_output_retries" =>
                new(Outcome.NoStructuredOutput, $"claude gave up on structured output that follows the schema after its retries. {detail}"),
            Outcome.AuthFailed => new(outcome, $"The API refused the credentials ({apiError}): log in with `claude /login` or set ANTHROPIC_API_KEY. {detail}"),
            Outcome.Failed => new(outcome, result.Subtype switch
            {
                "error_max_turns" => $"The agent hit its turn limit (--max-turns). {detail}",
                "error_max_budget_usd" => $"The agent hit its budget (--max-budget-usd). {detail}",
                "error_during_execution" => $"The agent failed during execution. {detail}",
                _ => $"The agent reported an error: {detail}",
            }),
            _ => new(outcome, $"The API answered {apiError}: {detail}"),
        };
    }

    /// <summary>A text of claude's cut to the length a one-line message can carry.</summary>
    public static string Shorten(string text) => text.Length > DetailLength ? text[..DetailLength] + "…" : text;

    private static string RootRefusalMessage(bool skippedPermissions) =>
        "claude refuses --dangerously-skip-permissions when run as root (common in containers and CI). "
        + "Run the build as a non-root user; or, only inside a disposable sandbox, set IS_SANDBOX=1 in the environment; "
        + (skippedPermissions ? "or turn skip-permissions off (DangerouslySkipPermissions=false / --no-skip-permissions) and set a permission mode." : "or choose a permission mode other than bypassPermissions.");

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : lines[^1];
    }
}
