namespace ClaudeRunner.Tests;

public sealed class OptionTextTests
{
    [Theory]
    [InlineData("00:20:00", 1200)]
    [InlineData("90s", 90)]
    [InlineData("20m", 1200)]
    [InlineData("1m30s", 90)]
    [InlineData("1500ms", 1.5)]
    [InlineData("2h", 7200)]
    [InlineData("45", 45)]
    [InlineData("1.02:00:00", 93600)]
    public void Durations_parse(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OptionText.ParseDuration(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("5 parsecs")]
    [InlineData("")]
    public void Non_durations_do_not_parse(string text) => Assert.Null(OptionText.ParseDuration(text));

    [Theory]
    [InlineData("999999999999d")]
    [InlineData("1e300")]
    [InlineData("99999999999999999999h")]
    public void Durations_beyond_what_a_time_span_holds_do_not_parse(string text) => Assert.Null(OptionText.ParseDuration(text));
}

public sealed class RetryPolicyTests
{
    [Fact]
    public void Delays_double_with_jitter_up_to_the_cap()
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), retryTimeouts: false);
        Assert.InRange(policy.DelayBefore(1), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.InRange(policy.DelayBefore(3), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        Assert.InRange(policy.DelayBefore(10), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(Outcome.RateLimited, true)]
    [InlineData(Outcome.Overloaded, true)]
    [InlineData(Outcome.ServerError, true)]
    [InlineData(Outcome.Interrupted, true)]
    [InlineData(Outcome.TimedOut, false)]
    [InlineData(Outcome.Failed, false)]
    [InlineData(Outcome.AuthFailed, false)]
    [InlineData(Outcome.LaunchFailed, false)]
    [InlineData(Outcome.Cancelled, false)]
    public void Only_transient_outcomes_are_retried(Outcome outcome, bool retried)
    {
        var policy = new RetryPolicy(TimeSpan.Zero, TimeSpan.Zero, retryTimeouts: false);
        Assert.Equal(retried, policy.ShouldRetry(outcome, attemptsMade: 1, retries: 2));
        Assert.False(policy.ShouldRetry(outcome, attemptsMade: 3, retries: 2));
    }
}
