namespace ClaudeRunner.Tests;

public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(Outcome.RateLimited)]
    [InlineData(Outcome.Overloaded)]
    [InlineData(Outcome.ServerError)]
    [InlineData(Outcome.Interrupted)]
    public void A_transient_outcome_is_retried_while_retries_are_left(Outcome outcome)
    {
        var policy = new RetryPolicy(Base, Cap, retryTimeouts: false);

        Assert.True(policy.ShouldRetry(outcome, attemptsMade: 1, retries: 2));
        Assert.True(policy.ShouldRetry(outcome, attemptsMade: 2, retries: 2));
        Assert.False(policy.ShouldRetry(outcome, attemptsMade: 3, retries: 2));
        Assert.False(policy.ShouldRetry(outcome, attemptsMade: 1, retries: 0));
    }

    [Theory]
    [InlineData(Outcome.Succeeded)]
    [InlineData(Outcome.Failed)]
    [InlineData(Outcome.AuthFailed)]
    [InlineData(Outcome.Cancelled)]
    [InlineData(Outcome.LaunchFailed)]
    public void An_outcome_that_would_repeat_is_never_retried(Outcome outcome)
    {
        Assert.False(new RetryPolicy(Base, Cap, retryTimeouts: true).ShouldRetry(outcome, attemptsMade: 1, retries: 5));
    }

    [Fact]
    public void A_timeout_is_retried_only_when_asked()
    {
        Assert.False(new RetryPolicy(Base, Cap, retryTimeouts: false).ShouldRetry(Outcome.TimedOut, 1, 2));
        Assert.True(new RetryPolicy(Base, Cap, retryTimeouts: true).ShouldRetry(Outcome.TimedOut, 1, 2));
    }

    [Theory]
    [InlineData(1, 5_000, 10_000)]
    [InlineData(2, 10_000, 20_000)]
    [InlineData(3, 20_000, 40_000)]
    [InlineData(4, 40_000, 80_000)]
    [InlineData(5, 60_000, 120_000)]
    [InlineData(6, 60_000, 120_000)]
    [InlineData(100, 60_000, 120_000)]
    public void The_nth_delay_lies_between_half_and_all_of_the_doubled_and_capped_ceiling(int retry, int shortestMs, int longestMs)
    {
        var shortest = new RetryPolicy(Base, Cap, false, new FixedRandom(0.0)).DelayBefore(retry);
        var longest = new RetryPolicy(Base, Cap, false, new FixedRandom(1.0)).DelayBefore(retry);

        Assert.Equal(TimeSpan.FromMilliseconds(shortestMs), shortest);
        Assert.Equal(TimeSpan.FromMilliseconds(longestMs), longest);
    }

    [Fact]
    public void A_zero_base_delay_retries_at_once()
    {
        Assert.Equal(TimeSpan.Zero, new RetryPolicy(TimeSpan.Zero, TimeSpan.Zero, false, new FixedRandom(1.0)).DelayBefore(3));
    }

    /// <summary>Jitter pinned to one value (1.0 stands for the upper end, which NextDouble approaches).</summary>
    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
