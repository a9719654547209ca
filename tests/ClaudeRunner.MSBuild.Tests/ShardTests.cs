namespace ClaudeRunner.Tests;

/// <summary>A shard through the real MSBuild engine: the declarative target passes ClaudeShard and ClaudeHistory to the task.</summary>
[Collection(MSBuildCollection.Name)]
public sealed class ShardTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();
    private readonly InProcessBuild _build;

    public ShardTests()
    {
        _build = new InProcessBuild(_scratch.Directory);
    }

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_shard_runs_its_part_of_the_set_names_its_summary_and_returns_only_its_results()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "a", "prompt": "a" }, { "id": "b", "prompt": "b" }, { "id": "c", "prompt": "c" }, { "id": "d", "prompt": "d" } ] }""");
        // With this history, longest first puts a alone in shard 1 and the rest in shard 2.
        _scratch.WriteFile("history/summary.json", """{ "prompts": [ { "id": "a", "attempts": 1, "end": "2026-01-01T00:00:00Z", "durationMs": 90000 }, { "id": "b", "attempts": 1, "end": "2026-01-01T00:00:00Z", "durationMs": 1000 }, { "id": "c", "attempts": 1, "end": "2026-01-01T00:00:00Z", "durationMs": 1000 }, { "id": "d", "attempts": 1, "end": "2026-01-01T00:00:00Z", "durationMs": 1000 } ] }""");
        var build = _build.WithProject($"""
              <PropertyGroup>
                <RunClaudeOnBuild>true</RunClaudeOnBuild>
                <ClaudePath>{FakeClaudeScratch.FakeClaudePath}</ClaudePath>
                <ClaudeEnvironmentVariables>{_scratch.EnvironmentItems()}</ClaudeEnvironmentVariables>
                <ClaudeShard>2/2</ClaudeShard>
                <ClaudeHistory>history</ClaudeHistory>
                <ClaudeLogDirectory>logs</ClaudeLogDirectory>
              </PropertyGroup>
              <ItemGroup>
                <ClaudePrompts Include="prompts.json" />
              </ItemGroup>
              <Target Name="Build" />
            """);

        var run = build.Build();

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["b", "c", "d"], FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "logs", "summary.2-of-2.json")).Keys.Order());
        Assert.Equal(3, _scratch.Invocations().Count);
        Assert.Contains(run.HighMessages, m => m.StartsWith("Running 3 of 4 prompts (shard 2/2), at most 4 at once", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_scratch.Directory, "logs", "summary.json")));
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "logs", "junit.2-of-2.xml")));
    }

    [Fact]
    public void A_malformed_shard_is_an_invalid_parameter_and_nothing_runs()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ "first" ] }""");
        var run = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" Shard="3/2" {_scratch.FakeClaudeAttributes()} />
              </Target>
            """).Build();

        var error = Assert.Single(run.Errors);
        Assert.Equal("CCR102", error.Code);
        Assert.StartsWith("Shard must be i/n with i from 1 to n", error.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public void The_merge_task_joins_the_shards_and_fails_with_the_outcome_of_a_failed_prompt_or_CCR104_for_a_missing_shard()
    {
        _scratch.WriteFile("prompts.json", """{ "prompts": [ { "id": "a", "prompt": "a" }, { "id": "b", "prompt": "@fake is_error" }, { "id": "c", "prompt": "c" } ] }""");
        var shards = _build.WithProject($"""
              <Target Name="Build">
                <RunClaudeParallel PromptsFile="prompts.json" Shard="1/2" CacheDirectory="cache-1" ContinueOnError="true" {_scratch.FakeClaudeAttributes()} />
                <RunClaudeParallel PromptsFile="prompts.json" Shard="2/2" CacheDirectory="cache-2" ContinueOnError="true" {_scratch.FakeClaudeAttributes()} />
              </Target>
              <Target Name="Merge">
                <MergeClaudeSummaries Summaries="obj/claude" LogDirectory="merged" />
              </Target>
            """);
        shards.Build();

        var merged = shards.Build("Merge");
        File.Delete(Path.Combine(_scratch.Directory, "obj", "claude", "summary.2-of-2.json"));
        var missing = shards.Build("Merge");

        Assert.Equal("CCR001", Assert.Single(merged.Errors).Code);
        Assert.Contains(merged.HighMessages, m => m.StartsWith("1 of 3 prompts failed. Summary: ", StringComparison.Ordinal));
        Assert.Equal(3, FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "merged", "summary.json")).Count);
        var error = Assert.Single(missing.Errors);
        Assert.Equal(("CCR104", "Shard 2/2 is missing."), (error.Code, error.Message));
    }
}
