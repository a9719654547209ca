using Cake.Core.IO;
using ClaudeRunner;
using ClaudeRunner.Tests;

namespace Cake.ClaudeRunner.Tests;

/// <summary>Every option of the table reaches the engine's request from its typed Cake setting.</summary>
[Collection(nameof(CakeCollection))]
public sealed class OptionMappingTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [MemberData(nameof(OptionSamples.ForEveryFrontEndOption), MemberType = typeof(OptionSamples))]
    public void Every_setting_reaches_the_request(string name)
    {
        var option = RunOptions.ForName(name)!;
        var settings = new ClaudeRunnerSettings();
        var setting = typeof(ClaudeRunnerSettings).GetProperty(name)!;
        var sample = OptionSamples.Value(option);
        setting.SetValue(settings, setting.PropertyType == typeof(FilePath) ? new FilePath((string)sample)
            : setting.PropertyType == typeof(DirectoryPath) ? new DirectoryPath((string)sample)
            : setting.PropertyType == typeof(ICollection<string>) ? new List<string>((IReadOnlyList<string>)sample)
            : setting.PropertyType == typeof(IDictionary<string, string>) ? new Dictionary<string, string>((IReadOnlyDictionary<string, string>)sample)
            : sample);
        using var cake = new CakeHarness(_scratch.Directory);

        var request = settings.ToRunRequest(PromptSource.FromPrompts(["x"]), cake.Context.Environment);

        Assert.Equivalent(sample, option.ValueIn(request), strict: true);
    }

    [Fact]
    public void A_setting_that_breaks_its_rule_is_an_input_error_naming_the_setting()
    {
        using var cake = new CakeHarness(_scratch.Directory);

        var error = Assert.Single(Assert.Throws<InvalidInputException>(() => new ClaudeRunnerSettings { MaxTurns = 0 }.ToRunRequest(PromptSource.FromPrompts(["x"]), cake.Context.Environment)).Errors);

        Assert.Equal("MaxTurns must be a whole number of at least 1 (got '0').", error.Message);
    }
}
