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
