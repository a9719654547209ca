using ClaudeRunner.Tests;

namespace ClaudeRunner.MSBuild.Tests;

/// <summary>Every option of the table reaches the engine's request from its task parameter.</summary>
public sealed class OptionMappingTests
{
    [Theory]
    [MemberData(nameof(OptionSamples.ForEveryFrontEndOption), MemberType = typeof(OptionSamples))]
    public void Every_option_parameter_reaches_the_request(string name)
    {
        var option = RunOptions.ForName(name)!;
        var task = new RunClaudeParallel();
        var parameter = typeof(RunClaudeParallel).GetProperty(name)!;
        parameter.SetValue(task, parameter.PropertyType == typeof(string) ? OptionSamples.Text(option)
            : parameter.PropertyType == typeof(string[]) ? OptionSamples.Items(option)
            : OptionSamples.Value(option));
        var errors = new List<InputError>();

        var request = task.CreateRequest(new SourceLocation(Path.Combine(Path.GetTempPath(), "app.csproj"), 3, 5), errors);

        Assert.Empty(errors);
        Assert.Equivalent(OptionSamples.Value(option), option.ValueIn(request), strict: true);
    }
}
