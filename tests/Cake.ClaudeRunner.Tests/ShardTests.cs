using Cake.Core;
using Cake.Core.IO;
using ClaudeRunner;
using ClaudeRunner.Tests;
using Path = System.IO.Path;

namespace Cake.ClaudeRunner.Tests;

/// <summary>Sharded runs and their merge through the real Cake engine.</summary>
[Collection(nameof(CakeCollection))]
public sealed class ShardTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private ClaudeRunnerSettings Shard(int index, int total)
    {
        var settings = new ClaudeRunnerSettings
        {
            ClaudePath = FakeClaudeScratch.FakeClaudePath,
            LogDirectory = _scratch.LogDirectory,
            Retries = 0,
            Shard = $"{index}/{total}",
            // Every job starts from the same (empty) cache, as CI jobs restoring one cache do.
            CacheDirectory = Path.Combine(_scratch.Directory, "cache", $"job-{index}"),
        };
        foreach (var (name, value) in _scratch.Environment)
        {
            settings.EnvironmentVariables[name] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Each_shard_runs_its_part_and_MergeClaudeSummaries_joins_them_into_the_whole_sets_reports()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": ["one", "two", "three", "four", "five"] }""");
        var shards = new List<RunSummary>();
        RunSummary? merged = null;

        await cake.RunTaskAsync(context =>
        {
            shards.Add(context.RunClaudeParallel("prompts.json", Shard(1, 2)));
            shards.Add(context.RunClaudeParallel("prompts.json", Shard(2, 2)));
            merged = context.MergeClaudeSummaries(new DirectoryPath(_scratch.LogDirectory), new ClaudeMergeSettings { LogDirectory = "merged" });
        });

        Assert.Equal([3, 2], shards.Select(s => s.Results.Count));
        Assert.Equal(Path.Combine(_scratch.LogDirectory, "summary.2-of-2.json"), shards[1].SummaryFile);
        Assert.Equal(5, _scratch.Invocations().Count);
        Assert.Equal(5, merged!.Results.Count);
        Assert.Equal(Path.Combine(_scratch.Directory, "merged", "summary.json"), merged.SummaryFile);
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "merged", "junit.xml")));
        Assert.Contains(cake.Log.Lines, line => line.Text.StartsWith("All 5 prompts succeeded; summary: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_shard_fails_the_merge_task_naming_it()
    {
        using var cake = new CakeHarness(_scratch.Directory);
        _scratch.WriteFile("prompts.json", """{ "prompts": ["one", "two", "three"] }""");

        var report = await Assert.ThrowsAsync<CakeReportException>(() => cake.RunTaskAsync(context =>
        {
            context.RunClaudeParallel("prompts.json", Shard(1, 3));
            context.MergeClaudeSummaries([new FilePath(Path.Combine(_scratch.LogDirectory, "summary.1-of-3.json"))], new ClaudeMergeSettings());
        }));

        var failure = Assert.IsType<CakeException>(report.InnerException);
        Assert.Contains("Shard 2/3 is missing.", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Shard 3/3 is missing.", failure.Message, StringComparison.Ordinal);
    }
}
