using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>The shipped schema and examples agree with the loader.</summary>
public sealed class PromptsFormatTests
{
    [Fact]
    public void The_schema_names_exactly_the_options_the_loader_accepts()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(DotnetCli.RepositoryRoot, "schema", "prompts.schema.json")));
        var options = schema.RootElement.GetProperty("$defs").GetProperty("options").GetProperty("properties").EnumerateObject().Select(p => p.Name);
        var promptFields = schema.RootElement.GetProperty("properties").GetProperty("prompts").GetProperty("items").GetProperty("oneOf")[1]
            .GetProperty("properties").EnumerateObject().Select(p => p.Name);
        Assert.Equal(PromptsFileReader.KnownOptions(withPromptFields: false).Order(), options.Order());
        Assert.Equal(PromptsFileReader.KnownOptions(withPromptFields: true).Order(), options.Concat(promptFields).Order());
        Assert.Equal(RunOptions.PermissionModes.Order(), schema.RootElement.GetProperty("$defs").GetProperty("options").GetProperty("properties")
            .GetProperty("permissionMode").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(RunOptions.FailOnSeverities.Order(), schema.RootElement.GetProperty("$defs").GetProperty("options").GetProperty("properties")
            .GetProperty("failOn").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).Order());
    }

    [Fact]
    public void The_review_example_reviews_each_sample_file_with_findings()
    {
        var path = Path.Combine(DotnetCli.RepositoryRoot, "examples", "review", "prompts.json");
        var plan = ClaudeRunnerEngine.Plan(new RunRequest { Sources = [PromptSource.FromFile(path)], BaseDirectory = DotnetCli.RepositoryRoot, ClaudePath = FakeClaudeScratch.FakeClaudePath });

        var samples = Directory.EnumerateFiles(Path.Combine(DotnetCli.RepositoryRoot, "examples", "sample"), "*.cs").Select(Path.GetFileName).Order();
        Assert.Equal(samples, plan.Prompts.Select(p => Path.GetFileName(p.Prompt.File!.FullPath)));
        Assert.All(plan.Prompts, p => Assert.True(p.Prompt.Options.Findings));
        Assert.All(plan.Prompts, p => Assert.Contains("--json-schema", p.Command.Arguments));
    }

    [Fact]
    public void The_example_prompts_file_is_valid()
    {
        var path = Path.Combine(DotnetCli.RepositoryRoot, "examples", "prompts.json");
        var set = PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, DotnetCli.RepositoryRoot);
        Assert.Equal(["review-calculator", "document-calculator"], set.Prompts.Take(2).Select(p => p.Id));
        Assert.All(set.Prompts, p => Assert.Equal("dontAsk", p.Options.PermissionMode));
    }
}
