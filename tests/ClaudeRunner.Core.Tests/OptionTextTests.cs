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

    [Fact]
    public void Text_options_parse_and_report_bad_values()
    {
        var errors = new List<InputError>();
        var location = new SourceLocation("app.csproj", 12);
        var options = OptionText.ParseOptions(
            new Dictionary<string, string>
            {
                ["Model"] = "opus", ["AllowedTools"] = "Read;Edit,Bash(git diff:*)", ["MaxTurns"] = "x", ["Timeout"] = "5m",
                ["Env"] = "A=1;B=two=2", ["PermissionMode"] = "plan", ["Identity"] = "ignored",
            },
            location,
            errors);
        Assert.Equal("opus", options.Model);
        Assert.Equal(["Read", "Edit", "Bash(git diff:*)"], options.AllowedTools!);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Timeout);
        Assert.Equal("two=2", options.Env!["B"]);
        Assert.Equal("plan", options.PermissionMode);
        var error = Assert.Single(errors);
        Assert.Equal(location, error.Location);
        Assert.Contains("'MaxTurns'", error.Message, StringComparison.Ordinal);
    }
}
