namespace ClaudeRunner.Tests;

public sealed class RunRequestTests
{
    private static readonly RunRequest Defaults = new();

    [Fact]
    public void Unset_retry_delays_keep_the_defaults()
    {
        var request = Defaults.WithRetryDelays(null, null);

        Assert.Equal((Defaults.RetryDelay, Defaults.MaxRetryDelay), (request.RetryDelay, request.MaxRetryDelay));
    }

    [Fact]
    public void A_first_delay_above_the_default_cap_raises_the_cap()
    {
        var request = Defaults.WithRetryDelays(TimeSpan.FromMinutes(5), null);

        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)), (request.RetryDelay, request.MaxRetryDelay));
        Assert.Empty(request.Validate());
    }

    [Fact]
    public void A_cap_below_the_default_first_delay_lowers_the_first_delay()
    {
        var request = Defaults.WithRetryDelays(null, TimeSpan.FromSeconds(3));

        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)), (request.RetryDelay, request.MaxRetryDelay));
        Assert.Empty(request.Validate());
    }

    [Fact]
    public void Both_delays_given_are_kept_and_a_cap_below_the_first_delay_is_invalid()
    {
        var valid = Defaults.WithRetryDelays(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var invalid = Defaults.WithRetryDelays(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));

        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), (valid.RetryDelay, valid.MaxRetryDelay));
        Assert.Contains(invalid.Validate(), e => e.Message.Contains("MaxRetryDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_request_with_valid_prompts_reports_each_error_once()
    {
        var request = Defaults with { Sources = [PromptSource.FromPrompts([new PromptInput("fine")])], MaxParallel = 0 };

        var error = Assert.Single(Assert.Throws<InvalidInputException>(() => ClaudeRunnerEngine.Plan(request)).Errors);
        Assert.Contains("MaxParallel", error.Message, StringComparison.Ordinal);
    }
}
