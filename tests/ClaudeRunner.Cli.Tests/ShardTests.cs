namespace ClaudeRunner.Tests;

/// <summary>claude-runner --shard and claude-runner merge, run as processes against FakeClaude.</summary>
public sealed class ShardTests : IDisposable
{
    private const string FourPrompts = """{"prompts": [{"id": "a", "prompt": "a"}, {"id": "b", "prompt": "@fake is_error\nb"}, {"id": "c", "prompt": "c"}, {"id": "d", "prompt": "d"}]}""";

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    // Every job starts from the same (empty) cache, as CI jobs restoring one cache do.
    private Task<CliResult> RunShardAsync(int index, int total) =>
        CliProcess.RunWithFakeAsync(_scratch, null, "prompts.json", "--shard", $"{index}/{total}", "--cache-dir", $"cache-{index}");

    [Fact]
    public async Task Each_shard_exits_for_its_own_prompts_and_the_merge_exits_1_when_any_failed()
    {
        _scratch.WriteFile("prompts.json", FourPrompts);

        // Without history the sorted ids are dealt round robin: a and c to shard 1, b and d to shard 2.
        var first = await RunShardAsync(1, 2);
        var second = await RunShardAsync(2, 2);
        var merge = await CliProcess.RunAsync(_scratch, null, "merge", "claude-logs", "--summary", "all.json", "--junit", "all.xml");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("All 2 prompts succeeded", first.OutputLines[^1]);
        Assert.Contains("running 2 of 4 prompts (shard 1/2), at most 4 at once", first.OutputLines[0], StringComparison.Ordinal);
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.True(merge.ExitCode == 1, merge.ToString());
        Assert.Equal("1 of 4 prompts failed", merge.OutputLines[^2]);
        Assert.StartsWith("  b: Failed: ", merge.OutputLines[^1], StringComparison.Ordinal);
        Assert.Equal(4, FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "all.json")).Count);
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "all.xml")));
    }

    [Fact]
    public async Task The_merge_exits_0_when_every_prompt_succeeded_and_2_when_a_shard_is_missing()
    {
        _scratch.WriteFile("prompts.json", """{"prompts": ["one", "two", "three"]}""");
        await RunShardAsync(1, 2);
        await RunShardAsync(2, 2);

        var complete = await CliProcess.RunAsync(_scratch, null, "merge", "claude-logs");
        File.Delete(Path.Combine(_scratch.Directory, "claude-logs", "summary.2-of-2.json"));
        var missing = await CliProcess.RunAsync(_scratch, null, "merge", "claude-logs", "--log-dir", "again");

        Assert.True(complete.ExitCode == 0, complete.ToString());
        Assert.Equal("All 3 prompts succeeded", complete.OutputLines[^1]);
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")));
        var report = File.ReadAllText(Path.Combine(_scratch.Directory, "claude-logs", "report.html"));
        Assert.StartsWith("<!DOCTYPE html>", report, StringComparison.Ordinal);
        // The merged summary, embedded in the page (the ids carry a hash of the text).
        Assert.All(["one", "two", "three"], id => Assert.Contains($"\"id\":\"{id}-", report, StringComparison.Ordinal));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Equal("claude-runner merge: error: Shard 2/2 is missing.", missing.Error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_scratch.Directory, "again")));
    }

    [Fact]
    public async Task Shard_auto_reads_GitLabs_variables_and_the_dry_run_shows_the_shard()
    {
        _scratch.WriteFile("prompts.json", FourPrompts);
        var environment = new Dictionary<string, string>(_scratch.Environment) { ["CI_NODE_INDEX"] = "2", ["CI_NODE_TOTAL"] = "2" };

        var result = await CliProcess.RunAsync(_scratch.Directory, environment, null, "prompts.json", "--shard", "auto", "--dry-run", "--claude", FakeClaudeScratch.FakeClaudePath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["b: ", "d: "], result.OutputLines[..^1].Select(line => line[..3]));
        Assert.Equal("Dry run: shard 2/2, 2 of 4 prompts planned, none started.", result.OutputLines[^1]);
    }

    [Fact]
    public async Task A_malformed_shard_exits_2_and_runs_nothing()
    {
        _scratch.WriteFile("prompts.json", FourPrompts);

        var result = await RunShardAsync(3, 2);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--shard must be i/n with i from 1 to n", result.Error, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }
}
