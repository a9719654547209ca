using ClaudeRunner.Tests;

namespace ClaudeRunner.Cli.Tests;

/// <summary>Every option of the table reaches the engine's request from its command-line option.</summary>
public sealed class OptionMappingTests
{
    [Theory]
    [MemberData(nameof(OptionSamples.ForEveryFrontEndOption), MemberType = typeof(OptionSamples))]
    public void Every_option_reaches_the_request(string name)
    {
        var option = RunOptions.ForName(name)!;
        var command = new RunnerCommand(new StringReader("{\"prompts\": [\"x\"]}"), TextWriter.Null, TextWriter.Null);

        var parse = command.Parse([.. OptionSamples.CliArguments(option), "-"]);

        Assert.Empty(parse.Errors);
        Assert.Equivalent(OptionSamples.Value(option), option.ValueIn(command.ToRequest(parse, Display.Plain)), strict: true);
    }

    [Fact]
    public void The_retry_option_keeps_its_plural_alias()
    {
        var command = new RunnerCommand(new StringReader("{\"prompts\": [\"x\"]}"), TextWriter.Null, TextWriter.Null);

        Assert.Equal(5, command.ToRequest(command.Parse(["--retries", "5", "-"]), Display.Plain).Defaults.Retries);
    }
}
