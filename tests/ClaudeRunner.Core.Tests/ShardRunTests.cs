using System.Text.Json;
using System.Xml.Linq;

namespace ClaudeRunner.Tests;

/// <summary>Sharded runs end to end on FakeClaude: each shard runs its part and names its reports; the merge checks and joins them.</summary>
public sealed class ShardRunTests : IDisposable
{
    private const string SevenPrompts = """{"prompts": ["one", "two", "three", "four", "five", "six", {"id": "seven", "prompt": "seven"}]}""";

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private RunRequest Request(string json, string? shard) => FakeRuns.Request(_scratch) with
    {
        Sources = [PromptSource.FromFile(_scratch.WriteFile("prompts.json", json))],
        Shard = shard,
    };

    private async Task RunShardsAsync(string json, int total, params int[] indexes)
    {
        // Each job starts from the same (here: empty) cache, as CI jobs that restore one cache do; a cache that one
        // shard's successes changed before the next shard planned would cut the set differently (see the merge's check).
        foreach (var index in indexes.Length > 0 ? indexes : Enumerable.Range(1, total))
        {
            await FakeRuns.RunAsync(Request(json, $"{index}/{total}") with { CacheDirectory = Path.Combine(_scratch.Directory, "cache", $"job-{index}") });
        }
    }

    private MergeResult Merge(params string[] inputs) => ShardMerge.Merge(new MergeRequest
    {
        Inputs = inputs.Length > 0 ? inputs : [_scratch.LogDirectory],
        BaseDirectory = _scratch.Directory,
        LogDirectory = Path.Combine(_scratch.Directory, "merged"),
    });

    private string MergedSummary => Path.Combine(_scratch.Directory, "merged", "summary.json");

    [Fact]
    public async Task Each_shard_runs_its_own_prompts_names_its_reports_and_together_they_run_the_set_once()
    {
        await RunShardsAsync(SevenPrompts, 3);

        var texts = _scratch.Invocations().Select(Text).ToList();
        Assert.Equal(["five", "four", "one", "seven", "six", "three", "two"], texts.Order(StringComparer.Ordinal));
        foreach (var index in new[] { 1, 2, 3 })
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.LogDirectory, $"summary.{index}-of-3.json")));
            var shard = summary.RootElement.GetProperty("shard");
            Assert.Equal((index, 3, 7), (shard.GetProperty("index").GetInt32(), shard.GetProperty("total").GetInt32(), shard.GetProperty("set").GetArrayLength()));
            Assert.InRange(summary.RootElement.GetProperty("prompts").GetArrayLength(), 2, 3);
            Assert.True(File.Exists(Path.Combine(_scratch.LogDirectory, $"junit.{index}-of-3.xml")));
        }

        Assert.False(File.Exists(Path.Combine(_scratch.LogDirectory, "summary.json")));
    }

    [Fact]
    public async Task The_merge_of_every_shard_is_the_whole_sets_summary_and_junit_in_input_order()
    {
        await RunShardsAsync(SevenPrompts, 3);

        var result = Merge();

        Assert.True(result.Complete, string.Join("\n", result.Problems));
        Assert.Equal(7, result.Summary!.Results.Count);
        Assert.Equal("seven", result.Summary.Results[^1].Id);
        Assert.StartsWith("one-", result.Summary.Results[0].Id, StringComparison.Ordinal);
        Assert.Equal("All 7 prompts succeeded", result.Headline);
        using var summary = JsonDocument.Parse(File.ReadAllText(MergedSummary));
        Assert.Equal(7, summary.RootElement.GetProperty("totals").GetProperty("succeeded").GetInt32());
        Assert.False(summary.RootElement.TryGetProperty("shard", out _));
        Assert.Equal(7, XDocument.Load(Path.Combine(_scratch.Directory, "merged", "junit.xml")).Descendants("testcase").Count());
    }

    [Fact]
    public async Task The_merge_keeps_every_attempts_history_so_the_merged_report_has_a_timeline()
    {
        await RunShardsAsync("""{"prompts": ["@fake\none", "@fake fail_first=1\ntwo", "@fake\nthree"]}""", 2);
        var shardAttempts = Directory.EnumerateFiles(_scratch.LogDirectory, ShardMerge.ShardSummaryPattern)
            .Select(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("prompts").EnumerateArray().Sum(p => p.GetProperty("history").GetArrayLength()))
            .Sum();

        var result = Merge();

        Assert.True(result.Complete, string.Join("\n", result.Problems));
        using var summary = JsonDocument.Parse(File.ReadAllText(MergedSummary));
        var history = summary.RootElement.GetProperty("prompts").EnumerateArray().SelectMany(p => p.GetProperty("history").EnumerateArray()).ToList();
        Assert.Equal(3, shardAttempts);
        Assert.Equal(shardAttempts, history.Count);
        Assert.All(history, attempt => Assert.True(attempt.GetProperty("end").GetDateTimeOffset() >= attempt.GetProperty("start").GetDateTimeOffset()));
        Assert.Equal(result.Summary!.Results.Sum(r => r.History.Count), history.Count);
        var report = File.ReadAllText(Path.Combine(_scratch.Directory, "merged", "report.html"));
        Assert.Equal(shardAttempts, report.Split("\"history\":[{\"attempt\":").Length - 1);
    }

    [Fact]
    public async Task A_missing_shard_is_named_and_nothing_is_written()
    {
        await RunShardsAsync(SevenPrompts, 3, 1, 3);

        var result = Merge();

        Assert.False(result.Complete);
        Assert.Equal(["Shard 2/3 is missing."], result.Problems);
        Assert.False(File.Exists(MergedSummary));
    }

    [Fact]
    public async Task A_shard_given_twice_is_named()
    {
        await RunShardsAsync(SevenPrompts, 2);
        var copy = Path.Combine(_scratch.Directory, "again", "summary.1-of-2.json");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(Path.Combine(_scratch.LogDirectory, "summary.1-of-2.json"), copy);

        var result = Merge(_scratch.LogDirectory, copy);

        Assert.Equal([$"Shard 1/2 is given 2 times: '{Path.Combine(_scratch.LogDirectory, "summary.1-of-2.json")}', '{copy}'."], result.Problems);
    }

    [Fact]
    public async Task Shards_cut_from_different_sets_do_not_merge()
    {
        await RunShardsAsync(SevenPrompts, 2, 1);
        await RunShardsAsync("""{"prompts": ["one", "two", "eight"]}""", 2, 2);

        var result = Merge();

        Assert.False(result.Complete);
        Assert.Contains("was cut from another set of prompts", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_prompt_in_any_shard_makes_the_merge_complete_but_failed()
    {
        await RunShardsAsync("""{"prompts": [{"id": "a", "prompt": "a"}, {"id": "b", "prompt": "@fake subtype=error_during_execution\nb"}, {"id": "c", "prompt": "c"}]}""", 2);

        var result = Merge();

        Assert.True(result.Complete);
        Assert.False(result.Summary!.AllSucceeded);
        Assert.Equal("1 of 3 prompts failed", result.Headline);
        Assert.Equal(Outcome.Failed, result.Summary.Results.Single(r => r.Id == "b").Outcome);
    }

    [Fact]
    public void Unreadable_input_and_an_empty_directory_are_problems()
    {
        var notSummary = _scratch.WriteFile("summary.1-of-1.json", "{\"prompts\": 3}");
        Directory.CreateDirectory(Path.Combine(_scratch.Directory, "empty"));

        var result = Merge(notSummary, "empty");

        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.StartsWith($"'{Path.Combine(_scratch.Directory, "empty")}' holds no shard summary", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith($"'{notSummary}' is not a claude-runner summary", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dry_run_shows_the_shard_and_only_its_prompts_and_auto_reads_the_injected_environment()
    {
        var given = ClaudeRunnerEngine.Plan(Request(SevenPrompts, "2/3"));
        var fromGitLab = ClaudeRunnerEngine.Plan(Request(SevenPrompts, "auto") with
        {
            EnvironmentVariable = name => name switch { "CI_NODE_INDEX" => "2", "CI_NODE_TOTAL" => "3", _ => null },
        });

        Assert.Equal($"Dry run: shard 2/3, {given.Prompts.Count} of 7 prompts planned, none started.", given.Headline);
        Assert.Equal(given.Prompts.Select(p => p.Prompt.Id), fromGitLab.Prompts.Select(p => p.Prompt.Id));
        Assert.Equal(new Shard(2, 3), fromGitLab.Shard);
        Assert.Equal(Path.Combine(_scratch.LogDirectory, "summary.2-of-3.json"), fromGitLab.Request.ResolvedSummaryFile);
    }

    [Fact]
    public void Auto_outside_a_parallel_job_plans_the_whole_set_under_the_usual_names_and_says_so_once()
    {
        var plan = ClaudeRunnerEngine.Plan(Request(SevenPrompts, "auto") with { EnvironmentVariable = _ => null });

        Assert.Null(plan.Shard);
        Assert.Equal(7, plan.Prompts.Count);
        Assert.Single(plan.Warnings, w => w.Message.StartsWith("Shard auto: this is not a CI parallel job", StringComparison.Ordinal));
        Assert.Equal(Path.Combine(_scratch.LogDirectory, "summary.json"), plan.Request.ResolvedSummaryFile);
    }

    [Fact]
    public void Malformed_CI_variables_are_an_input_error_and_nothing_is_planned()
    {
        var error = Assert.Throws<InvalidInputException>(() => ClaudeRunnerEngine.Plan(Request(SevenPrompts, "auto") with
        {
            EnvironmentVariable = name => name == "CIRCLE_NODE_INDEX" ? "first" : null,
        }));

        Assert.Equal("Shard auto: CIRCLE_NODE_INDEX (CircleCI) is 'first', not a whole number.", Assert.Single(error.Errors).Message);
    }

    [Fact]
    public async Task Report_files_the_user_named_keep_their_names()
    {
        await FakeRuns.RunAsync(Request(SevenPrompts, "1/2") with { SummaryFile = "mine.json", JUnitFile = "mine.xml" });

        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "mine.json")));
        Assert.True(File.Exists(Path.Combine(_scratch.Directory, "mine.xml")));
        Assert.Empty(Directory.EnumerateFiles(_scratch.LogDirectory, "summary*"));
    }

    [Fact]
    public async Task More_shards_than_prompts_leave_some_empty_and_they_still_merge()
    {
        await RunShardsAsync("""{"prompts": ["one", "two"]}""", 3);

        var result = Merge();

        Assert.True(result.Complete, string.Join("\n", result.Problems));
        Assert.Equal(2, result.Summary!.Results.Count);
    }

    [Fact]
    public void A_history_file_orders_prompts_longest_first_and_balances_shards_by_duration()
    {
        var history = WriteHistory(("a", 1_000), ("b", 60_000), ("c", 2_000), ("d", 3_000));
        const string Json = """{"prompts": [{"id": "a", "prompt": "a"}, {"id": "b", "prompt": "b"}, {"id": "c", "prompt": "c"}, {"id": "d", "prompt": "d"}, {"id": "e", "prompt": "e"}]}""";

        var whole = ClaudeRunnerEngine.Plan(Request(Json, null) with { History = [history] });
        var input = ClaudeRunnerEngine.Plan(Request(Json, null) with { History = [history], Order = "input" });
        var first = ClaudeRunnerEngine.Plan(Request(Json, "1/2") with { History = [history] });

        // e has no history: it is expected to take the mean, 16.5 s.
        Assert.Equal(["b", "e", "d", "c", "a"], whole.StartOrder.Select(i => whole.Prompts[i].Prompt.Id));
        Assert.Equal([0, 1, 2, 3, 4], input.StartOrder);
        Assert.Equal(["b"], first.Prompts.Select(p => p.Prompt.Id));
    }

    [Fact]
    public async Task Prompts_start_in_input_order_without_history_and_longest_first_with_it()
    {
        const string Json = """{"prompts": [{"id": "short", "prompt": "short"}, {"id": "long", "prompt": "long"}, {"id": "mid", "prompt": "mid"}]}""";
        // Force: the second run runs again, and its history file wins over the durations the first run recorded.
        var request = Request(Json, null) with { MaxParallel = 1, Force = true };
        await FakeRuns.RunAsync(request);
        var inputOrder = _scratch.Invocations().Select(Text).ToList();

        await FakeRuns.RunAsync(request with { History = [WriteHistory(("short", 10), ("long", 600_000), ("mid", 250))] });

        Assert.Equal(["short", "long", "mid"], inputOrder);
        Assert.Equal(["long", "mid", "short"], _scratch.Invocations().Skip(3).Select(Text));
    }

    [Fact]
    public void The_caches_recorded_durations_are_a_history_and_a_history_file_wins_over_them()
    {
        const string Json = """{"prompts": [{"id": "short", "prompt": "short"}, {"id": "long", "prompt": "long"}, {"id": "mid", "prompt": "mid"}]}""";
        var cache = new ResultCache(Path.Combine(_scratch.LogDirectory, "cache"));
        foreach (var (id, durationMs) in new[] { ("short", 10L), ("long", 9_000L), ("mid", 300L) })
        {
            cache.Record(new RecordedSuccess { Key = new string('0', 62) + id.Length.ToString("00"), Id = id, Succeeded = DateTimeOffset.UnixEpoch, RunStart = DateTimeOffset.UnixEpoch, DurationMs = durationMs });
        }

        var fromCache = ClaudeRunnerEngine.Plan(Request(Json, null));
        var fromFile = ClaudeRunnerEngine.Plan(Request(Json, null) with { History = [WriteHistory(("short", 60_000))] });

        Assert.Equal(["long", "mid", "short"], fromCache.StartOrder.Select(i => fromCache.Prompts[i].Prompt.Id));
        Assert.Equal(["short", "long", "mid"], fromFile.StartOrder.Select(i => fromFile.Prompts[i].Prompt.Id));
    }

    private static string Text(FakeInvocation invocation) => System.Text.Encoding.UTF8.GetString(invocation.Prompt);

    private string WriteHistory(params (string Id, long DurationMs)[] rows) => _scratch.WriteFile("history/summary.json", JsonSerializer.Serialize(new
    {
        prompts = rows.Select(row => new { id = row.Id, attempts = 1, end = DateTimeOffset.UnixEpoch.AddDays(1), durationMs = row.DurationMs }),
    }));
}
