namespace ClaudeRunner.Tests;

/// <summary>The option table: one rule per kind, the same in the prompts file, text values and typed values.</summary>
public sealed class OptionTableTests
{
    [Fact]
    public void Names_keys_and_cli_options_are_unique()
    {
        Assert.Equal(RunOptions.All.Count, RunOptions.All.Select(o => o.Name).Distinct().Count());
        Assert.Equal(RunOptions.All.Count(o => o.FileKey is not null), RunOptions.FileKeys.Distinct().Count());
        var cliNames = RunOptions.All.Where(o => o.Cli is not null).SelectMany(o => o.CliAliases.Prepend(o.Cli!)).ToList();
        Assert.Equal(cliNames.Count, cliNames.Distinct().Count());
        Assert.All(cliNames, name => Assert.StartsWith("--", name, StringComparison.Ordinal));
    }

    [Fact]
    public void The_original_tools_options_keep_their_names()
    {
        Assert.Equal("--max-parallel", RunOptions.ForName("MaxParallel")!.Cli);
        Assert.Equal("--log-dir", RunOptions.ForName("LogDirectory")!.Cli);
        Assert.Equal("--retry", RunOptions.ForName("Retries")!.Cli);
    }

    [Theory]
    [MemberData(nameof(OptionSamples.ForEveryOption), MemberType = typeof(OptionSamples))]
    public void Every_option_reads_the_same_value_from_text_json_and_typed_input(string name)
    {
        var option = RunOptions.ForName(name)!;
        var sample = OptionSamples.Value(option);
        var errors = new List<InputError>();

        var fromText = new RunRequest().WithText(option, OptionSamples.Text(option), name, null, errors);
        var fromValue = new RunRequest().WithValue(option, sample, name, null, errors);

        Assert.Empty(errors);
        Assert.Equivalent(sample, option.ValueIn(fromText), strict: true);
        Assert.Equivalent(sample, option.ValueIn(fromValue), strict: true);
        // A working directory is resolved to a full path that must exist: PromptSetTests cover it.
        if (option.IsPerPrompt && name != "WorkingDirectory")
        {
            var set = PromptSet.Load([PromptSource.FromJson($"{{\"prompts\": [{{\"prompt\": \"x\", \"{option.FileKey}\": {OptionSamples.Json(option)}}}]}}", "t.json")], PromptOptions.None, Directory.GetCurrentDirectory());
            Assert.Equivalent(sample, option.ValueIn(new RunRequest { Defaults = set.Prompts[0].Options }), strict: true);
        }
    }

    [Theory]
    [InlineData("MaxTurns", "0")]
    [InlineData("Retries", "-1")]
    [InlineData("MaxParallel", "many")]
    [InlineData("Timeout", "0")]
    [InlineData("Timeout", "31d")]
    [InlineData("GracePeriod", "999999999999d")]
    [InlineData("HeartbeatInterval", "1e300")]
    [InlineData("MaxBudgetUsd", "1e300")]
    [InlineData("MaxBudgetUsd", "0")]
    [InlineData("PermissionMode", "yolo")]
    [InlineData("EnvironmentVariables", "A=B=C;=x")]
    [InlineData("EnvironmentVariables", "NOEQUALS")]
    [InlineData("DryRun", "maybe")]
    public void A_value_that_breaks_the_rule_is_one_error_in_the_rules_words(string name, string text)
    {
        var option = RunOptions.ForName(name)!;
        var errors = new List<InputError>();
        var location = new SourceLocation("app.csproj", 12, 5);

        var request = new RunRequest().WithText(option, text, name, location, errors);

        var error = Assert.Single(errors);
        Assert.Equal($"{name} {option.Kind.Rule} (got '{text}').", error.Message);
        Assert.Equal(location, error.Location);
        Assert.Equal(option.ValueIn(new RunRequest()), option.ValueIn(request));
    }

    [Fact]
    public void Typed_values_out_of_range_are_refused_by_validation()
    {
        var request = new RunRequest
        {
            MaxParallel = 0,
            GracePeriod = TimeSpan.FromDays(60),
            Defaults = new PromptOptions { Timeout = TimeSpan.Zero, Env = new Dictionary<string, string> { ["A\0B"] = "x" }, MaxBudgetUsd = 2_000_000m },
        };

        Assert.Equal(
            ["MaxBudgetUsd", "EnvironmentVariables", "Timeout", "MaxParallel", "GracePeriod"],
            request.Validate().Select(e => e.Message.Split(' ')[0]));
    }

    [Fact]
    public void A_blank_text_leaves_the_option_unset()
    {
        var errors = new List<InputError>();
        var request = new RunRequest().WithText(RunOptions.ForName("Model")!, "  ", "Model", null, errors);

        Assert.Empty(errors);
        Assert.Null(request.Defaults.Model);
    }

    [Fact]
    public void Metadata_names_are_the_file_keys_in_any_case_and_other_metadata_is_ignored()
    {
        var errors = new List<InputError>();
        var options = OptionValues.FromMetadata(
            [new("Model", "opus"), new("allowedtools", "Read;Edit,Bash(git diff:*)"), new("Env", "A=1;B=two=2"), new("Identity", "x"), new("Prompt", "p")],
            null,
            errors);

        Assert.Empty(errors);
        Assert.Equal("opus", options.Model);
        Assert.Equal(["Read", "Edit", "Bash(git diff:*)"], options.AllowedTools!);
        Assert.Equal("two=2", options.Env!["B"]);
    }

    [Fact]
    public void Tool_entries_split_at_commas_but_an_argument_entry_stays_whole()
    {
        Assert.Equal(["Read", "Edit"], (IReadOnlyList<string>)RunOptions.ForName("AllowedTools")!.Kind.ParseItems(["Read,Edit"])!);
        Assert.Equal(["--settings={\"a\":1,\"b\":2}"], (IReadOnlyList<string>)RunOptions.ForName("AdditionalArguments")!.Kind.ParseItems(["--settings={\"a\":1,\"b\":2}"])!);
    }
}
