namespace ClaudeRunner.Tests;

public sealed class VerdictTests
{
    [Fact]
    public void Exit_0_with_a_clean_success_result_succeeded()
    {
        Assert.Equal(new Verdict(Outcome.Succeeded, "Succeeded."), Verdict.Of(0, Result(), string.Empty, skippedPermissions: true));
    }

    [Fact]
    public void A_success_result_with_a_non_zero_exit_failed()
    {
        Assert.Equal(new Verdict(Outcome.Failed, "claude reported success but exited with code 3."), Verdict.Of(3, Result(), string.Empty, skippedPermissions: true));
    }

    [Theory]
    [InlineData("error_max_turns", "The agent hit its turn limit (--max-turns). ran out")]
    [InlineData("error_max_budget_usd", "The agent hit its budget (--max-budget-usd). ran out")]
    [InlineData("error_during_execution", "The agent failed during execution. ran out")]
    public void An_error_subtype_failed_even_when_is_error_is_false_and_claude_exited_0(string subtype, string message)
    {
        var result = Result(subtype) with { Errors = ["ran out"] };

        Assert.Equal(new Verdict(Outcome.Failed, message), Verdict.Of(0, result, string.Empty, skippedPermissions: true));
        Assert.Equal(new Verdict(Outcome.Failed, message), Verdict.Of(1, result with { IsError = true }, string.Empty, skippedPermissions: true));
    }

    [Fact]
    public void Structured_output_retries_used_up_is_no_structured_output_and_not_transient()
    {
        var verdict = Verdict.Of(1, Result("error_max_structured_output_retries") with { IsError = true, Errors = ["data must have required property 'answer'"] }, string.Empty, skippedPermissions: true);

        Assert.Equal(new Verdict(Outcome.NoStructuredOutput, "claude gave up on structured output that follows the schema after its retries. data must have required property 'answer'"), verdict);
        Assert.False(verdict.Outcome.IsTransient(retryTimeouts: true));
    }

    [Fact]
    public void Is_error_with_exit_0_failed_and_says_what_the_agent_said()
    {
        Assert.Equal(new Verdict(Outcome.Failed, "The agent reported an error: no luck"), Verdict.Of(0, Result() with { IsError = true, Text = "no luck" }, string.Empty, skippedPermissions: true));
    }

    [Theory]
    [InlineData(429, "usage_limit_reached", "You've hit your 5-hour limit · resets 8:38pm (UTC)")]
    [InlineData(429, "rate_limit_error", "You've hit your weekly limit · resets Dec 3, 9am (UTC)")]
    [InlineData(null, null, "Claude AI usage limit reached|1764620000")]
    [InlineData(429, null, "API Error: 429 your organization's spend limit has been reached")]
    [InlineData(400, "usage_limit_reached", "limit")]
    public void A_usage_or_spend_limit_is_not_a_rate_limit_and_its_message_names_the_limit(int? status, string? type, string text)
    {
        var verdict = Verdict.Of(1, Result() with { IsError = true, ApiErrorStatus = status, ApiErrorType = type, Text = text }, string.Empty, skippedPermissions: true);

        Assert.Equal(new Verdict(Outcome.UsageLimited, $"The API's usage limit is reached ({text}): not retried, and the run starts no new prompt."), verdict);
        Assert.False(verdict.Outcome.IsTransient(retryTimeouts: true));
    }

    [Fact]
    public void A_429_without_usage_limit_words_stays_a_rate_limit()
    {
        var verdict = Verdict.Of(1, Result() with { IsError = true, ApiErrorStatus = 429, ApiErrorType = "rate_limit_error", Text = "API Error: 429 rate_limit_error: Number of requests has exceeded your per-minute rate limit" }, string.Empty, skippedPermissions: true);

        Assert.Equal(Outcome.RateLimited, verdict.Outcome);
    }

    [Theory]
    [InlineData(429, null, Outcome.RateLimited)]
    [InlineData(529, null, Outcome.Overloaded)]
    [InlineData(500, null, Outcome.ServerError)]
    [InlineData(503, null, Outcome.ServerError)]
    [InlineData(401, null, Outcome.AuthFailed)]
    [InlineData(403, null, Outcome.AuthFailed)]
    [InlineData(null, "rate_limit_error", Outcome.RateLimited)]
    [InlineData(null, "overloaded_error", Outcome.Overloaded)]
    [InlineData(null, "authentication_error", Outcome.AuthFailed)]
    [InlineData(null, "permission_error", Outcome.AuthFailed)]
    [InlineData(null, "api_error", Outcome.ServerError)]
    [InlineData(400, "invalid_request_error", Outcome.Failed)]
    [InlineData(529, "rate_limit_error", Outcome.Overloaded)]
    public void An_api_error_is_judged_by_status_first_then_type(int? status, string? type, Outcome expected)
    {
        var result = Result() with { IsError = true, ApiErrorStatus = status, ApiErrorType = type, Text = "API Error" };

        Assert.Equal(expected, Verdict.Of(1, result, string.Empty, skippedPermissions: true).Outcome);
    }

    [Fact]
    public void An_auth_failure_says_how_to_log_in()
    {
        var verdict = Verdict.Of(1, Result() with { IsError = true, ApiErrorStatus = 401, Text = "Invalid API key" }, string.Empty, skippedPermissions: true);

        Assert.Equal(new Verdict(Outcome.AuthFailed, "The API refused the credentials (401): log in with `claude /login` or set ANTHROPIC_API_KEY. Invalid API key"), verdict);
    }

    [Fact]
    public void A_long_detail_is_cut_at_300_characters()
    {
        var verdict = Verdict.Of(1, Result() with { IsError = true, ApiErrorStatus = 500, Text = new string('x', 400) }, string.Empty, skippedPermissions: true);

        Assert.Equal($"The API answered 500: {new string('x', 300)}…", verdict.Message);
    }

    [Theory]
    [InlineData(0, "", Outcome.Interrupted, "claude exited with code 0 but wrote no result line: the run was interrupted.")]
    [InlineData(143, "", Outcome.Interrupted, "claude was stopped by signal 15 (exit code 143) before it wrote a result.")]
    [InlineData(1, "error: unknown option '--nope'", Outcome.LaunchFailed, "claude refused its arguments: error: unknown option '--nope'")]
    [InlineData(1, "warming up\nError: Input must be provided", Outcome.Failed, "claude exited with code 1 without a result. stderr: Error: Input must be provided")]
    [InlineData(3, "", Outcome.Failed, "claude exited with code 3 without a result.")]
    public void Without_a_result_line_the_exit_code_and_stderr_decide(int exitCode, string stderr, Outcome outcome, string message)
    {
        Assert.Equal(new Verdict(outcome, message), Verdict.Of(exitCode, null, stderr, skippedPermissions: true));
    }

    [Theory]
    [InlineData(true, "turn skip-permissions off")]
    [InlineData(false, "choose a permission mode other than bypassPermissions")]
    public void The_root_refusal_is_a_launch_failure_with_advice(bool skippedPermissions, string advice)
    {
        var verdict = Verdict.Of(1, null, "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons", skippedPermissions);

        Assert.Equal(Outcome.LaunchFailed, verdict.Outcome);
        Assert.Contains("IS_SANDBOX=1", verdict.Message, StringComparison.Ordinal);
        Assert.Contains(advice, verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_names_the_limit()
    {
        Assert.Equal(new Verdict(Outcome.TimedOut, "Timed out after 1m30s: claude was stopped."), Verdict.TimedOut(TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void Stopped_by_cancel_and_never_started_are_both_cancelled()
    {
        Assert.Equal(new Verdict(Outcome.Cancelled, "Cancelled: claude was stopped."), Verdict.Cancelled);
        Assert.Equal(new Verdict(Outcome.Cancelled, "Not started: the run was cancelled."), Verdict.NotStartedCancelled);
        Assert.Equal(new Verdict(Outcome.Cancelled, "Not started: fail-fast after 'lint' failed."), Verdict.NotStartedFailFast("lint"));
    }

    [Fact]
    public void A_claude_that_cannot_be_found_or_started_is_a_launch_failure_with_install_advice()
    {
        Assert.Equal(new Verdict(Outcome.LaunchFailed, "'claude' was not found."), Verdict.ClaudeNotFound("'claude' was not found."));
        var cannotStart = Verdict.CannotStart("/opt/claude", "Permission denied");
        Assert.Equal(Outcome.LaunchFailed, cannotStart.Outcome);
        Assert.StartsWith("claude could not be started from '/opt/claude': Permission denied. Install Claude Code", cannotStart.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_runner_failure_fails_the_prompt_and_tells_log_trouble_apart()
    {
        Assert.Equal(
            new Verdict(Outcome.Failed, "The runner could not write the logs in '/logs': disk full"),
            Verdict.RunnerFailure(new IOException("disk full"), "/logs"));
        Assert.Equal(
            new Verdict(Outcome.Failed, "The runner failed on this prompt: InvalidOperationException: bug"),
            Verdict.RunnerFailure(new InvalidOperationException("bug"), "/logs"));
    }

    private static ClaudeResult Result(string subtype = "success") =>
        new(subtype, IsError: false, Text: null, SessionId: "s", CostUsd: 0.01m, Turns: 1, Usage: null, ApiErrorStatus: null, ApiErrorType: null, Errors: []);
}
