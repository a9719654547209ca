namespace ClaudeRunner.Tests;

public sealed class RunRequestTests
{
    private static readonly RunRequest Defaults = new();

    [Fact]
    public void Unset_retry_delays_are_the_defaults()
    {
        Assert.Equal((RunRequest.DefaultRetryDelay, RunRequest.DefaultMaxRetryDelay), Defaults.EffectiveRetryDelays);
    }

    [Fact]
    public void A_first_delay_above_the_default_cap_raises_the_cap()
    {
        var request = Defaults with { RetryDelay = TimeSpan.FromMinutes(5) };

        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)), request.EffectiveRetryDelays);
        Assert.Empty(request.Validate());
    }

    [Fact]
    public void A_cap_below_the_default_first_delay_lowers_the_first_delay()
    {
        var request = Defaults with { MaxRetryDelay = TimeSpan.FromSeconds(3) };

        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)), request.EffectiveRetryDelays);
        Assert.Empty(request.Validate());
    }

    [Fact]
    public void Both_delays_given_are_kept_and_a_cap_below_the_first_delay_is_invalid()
    {
        var valid = Defaults with { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        var invalid = Defaults with { RetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromSeconds(1) };

        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), valid.EffectiveRetryDelays);
        Assert.Equal("RetryDelay must be at most MaxRetryDelay (got 30s and 1s).", Assert.Single(invalid.Validate()).Message);
    }

    [Fact]
    public void An_invalid_request_with_valid_prompts_reports_each_error_once()
    {
        var request = Defaults with { Sources = [PromptSource.FromPrompts([new PromptInput("fine")])], MaxParallel = 0 };

        var error = Assert.Single(Assert.Throws<InvalidInputException>(() => ClaudeRunnerEngine.Plan(request)).Errors);
        Assert.Equal("MaxParallel must be a whole number of at least 1 (got '0').", error.Message);
    }
}
