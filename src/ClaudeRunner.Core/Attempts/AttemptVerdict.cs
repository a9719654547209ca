namespace ClaudeRunner;

/// <summary>
/// Judges one finished attempt. The exit code alone lies (claude exits 0 on SIGINT and when the
/// model says it failed), so the verdict reads the final result line first (docs/claude-cli.md, "Exit codes"):
/// success is exit 0, a result line, and <c>is_error:false</c>.
/// </summary>
internal static class AttemptVerdict
{
    private const string RootRefusal = "cannot be used with root/sudo privileges";

    /// <summary>The outcome and a one-line reason for it.</summary>
    public static (Outcome Outcome, string Message) Judge(int exitCode, ClaudeResult? result, string stderrTail, bool skippedPermissions)
    {
        if (result is not null)
        {
            return Judge(exitCode, result);
        }

        if (stderrTail.Contains(RootRefusal, StringComparison.Ordinal))
        {
            return (Outcome.LaunchFailed, RootRefusalMessage(skippedPermissions));
        }

        if (exitCode == 0)
        {
            return (Outcome.Interrupted, "claude exited with code 0 but wrote no result line: the run was interrupted.");
        }

        if (exitCode > 128)
        {
            return (Outcome.Interrupted, $"claude was stopped by signal {exitCode - 128} (exit code {exitCode}) before it wrote a result.");
        }

        if (stderrTail.Contains("unknown option", StringComparison.OrdinalIgnoreCase) || stderrTail.TrimStart().StartsWith("error:", StringComparison.OrdinalIgnoreCase))
        {
            return (Outcome.LaunchFailed, $"claude refused its arguments: {LastLine(stderrTail)}");
        }

        return (Outcome.Failed, $"claude exited with code {exitCode} without a result.{(stderrTail.Length > 0 ? " stderr: " + LastLine(stderrTail) : string.Empty)}");
    }

    private static (Outcome, string) Judge(int exitCode, ClaudeResult result)
    {
        if (!result.IsError)
        {
            return exitCode == 0
                ? (Outcome.Succeeded, "Succeeded.")
                : (Outcome.Failed, $"claude reported success but exited with code {exitCode}.");
        }

        var detail = result.Text ?? (result.Errors.Count > 0 ? string.Join("; ", result.Errors) : result.Subtype);
        detail = detail.Length > 300 ? detail[..300] + "…" : detail;
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
        return outcome switch
        {
            Outcome.AuthFailed => (outcome, $"The API refused the credentials ({result.ApiErrorStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? result.ApiErrorType}): log in with `claude /login` or set ANTHROPIC_API_KEY. {detail}"),
            Outcome.Failed => (outcome, result.Subtype switch
            {
                "error_max_turns" => $"The agent hit its turn limit (--max-turns). {detail}",
                "error_max_budget_usd" => $"The agent hit its budget (--max-budget-usd). {detail}",
                "error_during_execution" => $"The agent failed during execution. {detail}",
                _ => $"The agent reported an error: {detail}",
            }),
            _ => (outcome, $"The API answered {result.ApiErrorStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? result.ApiErrorType}: {detail}"),
        };
    }

    /// <summary>What to do about claude's refusal to skip permissions as root.</summary>
    public static string RootRefusalMessage(bool skippedPermissions) =>
        "claude refuses --dangerously-skip-permissions when run as root (common in containers and CI). "
        + "Run the build as a non-root user; or, only inside a disposable sandbox, set IS_SANDBOX=1 in the environment; "
        + (skippedPermissions ? "or turn skip-permissions off (DangerouslySkipPermissions=false / --no-skip-permissions) and set a permission mode." : "or choose a permission mode other than bypassPermissions.");

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : lines[^1];
    }
}
