using System.Text.Json;
using System.Xml.Linq;

namespace ClaudeRunner.Tests;

/// <summary>Incremental runs: a prompt whose key has a recorded success does not run again; any change to what decides claude's work runs it.</summary>
public sealed class UpToDateTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private RunRequest Request(string json) => FakeRuns.Request(_scratch) with
    {
        Sources = [PromptSource.FromFile(_scratch.WriteFile("prompts.json", json))],
    };

    private async Task<RunSummary> RunAsync(string json, Func<RunRequest, RunRequest>? change = null) =>
        await FakeRuns.RunAsync((change ?? (r => r))(Request(json)));

    [Fact]
    public async Task A_second_run_with_nothing_changed_starts_no_claude_and_reports_the_recorded_results()
    {
        const string Json = """{"prompts": [{"id": "a", "prompt": "@fake text=\"answer a\" cost=0.25\nfirst"}, {"id": "b", "prompt": "second"}]}""";
        var first = await RunAsync(Json);
        var starts = _scratch.Invocations().Count;

        var second = await RunAsync(Json);

        Assert.Equal(2, starts);
        Assert.Equal(2, _scratch.Invocations().Count);
        Assert.Equal([Outcome.UpToDate, Outcome.UpToDate], second.Results.Select(r => r.Outcome));
        Assert.True(second.AllSucceeded);
        var a = second.Results[0];
        Assert.Equal(("answer a", 0m, first.Results[0].SessionId, 0.25m), (a.ResultText, a.CostUsd, a.SessionId, a.UpToDateWith!.CostUsd));
        Assert.Equal(first.Start, a.UpToDateWith.RunStart);
        Assert.Equal("All 2 prompts succeeded (2 up to date)", second.Headline);
        Assert.Equal($"a up to date ({a.UpToDateWith.When})", RunWording.UpToDate(a));
    }

    [Fact]
    public async Task Summary_and_junit_count_up_to_date_prompts_apart_as_passing()
    {
        const string Json = """{"prompts": [{"id": "a", "prompt": "first"}, {"id": "b", "prompt": "second"}]}""";
        await RunAsync(Json);
        await RunAsync("""{"prompts": [{"id": "a", "prompt": "first"}, {"id": "b", "prompt": "second, changed"}]}""");

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_scratch.LogDirectory, "summary.json")));
        var totals = summary.RootElement.GetProperty("totals");
        var junit = XDocument.Load(Path.Combine(_scratch.LogDirectory, "junit.xml"));
        var upToDate = junit.Descendants("testcase").Single(t => (string?)t.Attribute("name") == "a");

        Assert.Equal((1, 1, 0), (totals.GetProperty("succeeded").GetInt32(), totals.GetProperty("upToDate").GetInt32(), totals.GetProperty("failed").GetInt32()));
        Assert.Equal("UpToDate", summary.RootElement.GetProperty("prompts")[0].GetProperty("outcome").GetString());
        Assert.Equal(0.0123m, summary.RootElement.GetProperty("prompts")[0].GetProperty("upToDate").GetProperty("recordedCostUsd").GetDecimal());
        Assert.Empty(upToDate.Elements("failure").Concat(upToDate.Elements("skipped")));
        Assert.StartsWith("succeeded ", (string?)upToDate.Descendants("property").Single(p => (string?)p.Attribute("name") == "up-to-date").Attribute("value"), StringComparison.Ordinal);
        Assert.Equal("0", (string?)junit.Descendants("testsuite").Single().Attribute("failures"));
    }

    [Theory]
    [InlineData("""{"id": "a", "prompt": "first, reworded"}""", "prompt text changed")]
    [InlineData("""{"id": "a", "prompt": "first", "model": "opus"}""", "option model changed")]
    [InlineData("""{"id": "a", "prompt": "first", "env": {"CR_FLAVOUR": "mint"}}""", "environment variable CR_FLAVOUR changed")]
    [InlineData("""{"id": "a", "prompt": "first", "inputs": ["src/*.cs"]}""", "input src/one.cs added")]
    public async Task A_change_runs_exactly_the_prompt_it_touches_and_the_dry_run_says_why(string changedEntry, string reason)
    {
        _scratch.WriteFile("src/one.cs", "class One {}");
        await RunAsync("""{"prompts": [{"id": "a", "prompt": "first"}, {"id": "b", "prompt": "second"}]}""");
        var json = $$"""{"prompts": [{{changedEntry}}, {"id": "b", "prompt": "second"}]}""";

        var plan = ClaudeRunnerEngine.Plan(Request(json));
        var summary = await RunAsync(json);

        Assert.Equal(reason, plan.Prompts[0].Freshness);
        Assert.StartsWith("up to date (succeeded ", plan.Prompts[1].Freshness, StringComparison.Ordinal);
        Assert.Equal([Outcome.Succeeded, Outcome.UpToDate], summary.Results.Select(r => r.Outcome));
        Assert.Equal(3, _scratch.Invocations().Count);
    }

    [Fact]
    public async Task An_input_whose_content_changes_runs_its_prompt_again_and_one_that_goes_away_too()
    {
        _scratch.WriteFile("src/one.cs", "class One {}");
        _scratch.WriteFile("src/two.cs", "class Two {}");
        const string Json = """{"defaults": {"inputs": ["src/*.cs"]}, "prompts": [{"id": "a", "prompt": "first"}]}""";
        await RunAsync(Json);

        _scratch.WriteFile("src/one.cs", "class One { int x; }");
        var changed = ClaudeRunnerEngine.Plan(Request(Json)).Prompts[0].Freshness;
        await RunAsync(Json);
        File.Delete(Path.Combine(_scratch.Directory, "src", "two.cs"));
        var removed = ClaudeRunnerEngine.Plan(Request(Json)).Prompts[0].Freshness;

        Assert.Equal("input src/one.cs changed", changed);
        Assert.Equal("input src/two.cs removed", removed);
    }

    [Fact]
    public async Task Files_claude_reads_by_itself_are_inputs_unless_it_runs_bare()
    {
        const string Json = """{"prompts": [{"id": "plain", "prompt": "x"}, {"id": "bare", "prompt": "y", "args": ["--bare"]}]}""";
        await RunAsync(Json);

        _scratch.WriteFile("CLAUDE.md", "Always answer in French.");
        var plan = ClaudeRunnerEngine.Plan(Request(Json));

        Assert.Equal("input CLAUDE.md added", plan.Prompts[0].Freshness);
        Assert.StartsWith("up to date", plan.Prompts[1].Freshness, StringComparison.Ordinal);
    }

    [Fact]
    public void The_keys_hold_one_string_for_what_prompts_have_in_common_and_their_own_text_digest()
    {
        const string Json = """{"defaults": {"model": "opus", "env": {"CR_FLAVOUR": "mint"}}, "prompts": [{"id": "a", "prompt": "one"}, {"id": "b", "prompt": "two"}]}""";
        var keys = ClaudeRunnerEngine.Plan(Request(Json)).Prompts.Select(p => p.Key!.Parts.ToList()).ToList();

        // The plan holds every prompt's key until the run ends: 64-character digests and part names repeated per prompt
        // would be most of what a waiting prompt costs (bench/README.md, "Memory per prompt in a run").
        Assert.Equal(keys[0].Select(p => p.Key), keys[1].Select(p => p.Key));
        Assert.All(keys[0].Zip(keys[1]), pair =>
        {
            Assert.Same(pair.First.Key, pair.Second.Key);
            if (pair.First.Key == "text")
            {
                Assert.NotEqual(pair.First.Value, pair.Second.Value);
            }
            else
            {
                Assert.Same(pair.First.Value, pair.Second.Value);
            }
        });
        Assert.Contains(keys[0], p => p.Key == "option:model");
        Assert.Contains(keys[0], p => p.Key == "env:CR_FLAVOUR");
    }

    [Fact]
    public async Task A_failure_is_never_recorded_so_the_next_run_runs_only_what_did_not_succeed()
    {
        await RunAsync("""{"prompts": [{"id": "good", "prompt": "fine"}, {"id": "bad", "prompt": "@fake is_error"}]}""");

        var second = await RunAsync("""{"prompts": [{"id": "good", "prompt": "fine"}, {"id": "bad", "prompt": "@fake is_error"}]}""");

        Assert.Equal([Outcome.UpToDate, Outcome.Failed], second.Results.Select(r => r.Outcome));
        Assert.Equal(3, _scratch.Invocations().Count);
    }

    [Fact]
    public async Task Force_runs_everything_and_records_the_new_results()
    {
        const string Json = """{"prompts": ["one"]}""";
        await RunAsync(Json);

        var forced = await RunAsync(Json, r => r with { Force = true });
        var after = await RunAsync(Json);

        Assert.Equal(Outcome.Succeeded, forced.Results[0].Outcome);
        Assert.Equal("forced", ClaudeRunnerEngine.Plan(Request(Json) with { Force = true }).Prompts[0].Freshness);
        Assert.Equal(forced.Start, after.Results[0].UpToDateWith!.RunStart);
        Assert.Equal(2, _scratch.Invocations().Count);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_new_claude_version_runs_every_prompt_again()
    {
        const string Json = """{"prompts": ["one"]}""";
        await RunAsync(Json);
        var newerClaude = _scratch.WriteFile("newer-claude.sh", $"#!/bin/sh\nif [ \"$1\" = --version ]; then echo '9.9.9 (Claude Code)'; exit 0; fi\nexec '{FakeClaudeScratch.FakeClaudePath}' \"$@\"\n");
        File.SetUnixFileMode(newerClaude, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var plan = ClaudeRunnerEngine.Plan(Request(Json) with { ClaudePath = newerClaude });

        Assert.Equal("claude version changed", plan.Prompts[0].Freshness);
    }

    [Fact]
    public void Keys_do_not_depend_on_where_the_repository_is_or_on_the_order_of_prompts()
    {
        string KeyOf(string directory, string json, string id)
        {
            File.WriteAllText(Path.Combine(directory, "prompts.json"), json);
            File.WriteAllText(Path.Combine(directory, "input.txt"), "same content");
            var plan = ClaudeRunnerEngine.Plan(new RunRequest
            {
                Sources = [PromptSource.FromFile(Path.Combine(directory, "prompts.json"))],
                BaseDirectory = directory,
                ClaudePath = FakeClaudeScratch.FakeClaudePath,
                LogDirectory = Path.Combine(directory, "logs"),
            });
            return plan.Prompts.Single(p => p.Prompt.Id == id).Key!.Value;
        }

        using var elsewhere = new FakeClaudeScratch();
        var here = KeyOf(_scratch.Directory, """{"prompts": [{"id": "a", "prompt": "x", "inputs": ["*.txt"]}, {"id": "b", "prompt": "y"}]}""", "a");
        var moved = KeyOf(elsewhere.Directory, """{"prompts": [{"id": "b", "prompt": "y"}, {"id": "a", "prompt": "x", "inputs": ["*.txt"]}]}""", "a");

        Assert.Equal(here, moved);
    }

    [Fact]
    public async Task A_damaged_cache_file_is_ignored_with_a_warning_and_the_prompt_runs_again()
    {
        const string Json = """{"prompts": [{"id": "a", "prompt": "x"}]}""";
        await RunAsync(Json);
        var cache = Path.Combine(_scratch.LogDirectory, "cache");
        var record = Directory.GetFiles(cache, "*.json", SearchOption.AllDirectories).First(f => !f.Contains("/ids/", StringComparison.Ordinal));
        File.WriteAllText(record, "{\"key\": \"trunc");

        var plan = ClaudeRunnerEngine.Plan(Request(Json));
        var summary = await RunAsync(Json);

        Assert.Contains(plan.Warnings, w => w.Message.StartsWith("The cache file is damaged and is ignored", StringComparison.Ordinal) && w.Location!.File == record);
        Assert.Equal(Outcome.Succeeded, summary.Results[0].Outcome);
    }

    [Fact]
    public async Task Secret_values_never_reach_the_cache()
    {
        const string Secret = "sk-test-0123456789abcdef";
        await RunAsync($$$"""{"prompts": [{"id": "a", "prompt": "@fake echo\nuse the key", "env": {"MY_API_KEY": "{{{Secret}}}"}}]}""");

        var cacheFiles = Directory.GetFiles(Path.Combine(_scratch.LogDirectory, "cache"), "*", SearchOption.AllDirectories);

        Assert.NotEmpty(cacheFiles);
        Assert.All(cacheFiles, file => Assert.DoesNotContain(Secret, File.ReadAllText(file), StringComparison.Ordinal));
        Assert.All(cacheFiles, file => Assert.DoesNotContain(PromptKey.Digest(Secret), File.ReadAllText(file), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_runs_sharing_one_cache_at_once_both_succeed_and_leave_readable_records()
    {
        const string Json = """{"prompts": ["one", "two", "three"]}""";
        var cache = Path.Combine(_scratch.Directory, "shared-cache");
        RunRequest With(string logs) => Request(Json) with { CacheDirectory = cache, LogDirectory = Path.Combine(_scratch.Directory, logs) };

        var both = await Task.WhenAll(FakeRuns.RunAsync(With("logs1")), FakeRuns.RunAsync(With("logs2")));
        var third = await FakeRuns.RunAsync(With("logs3"));

        Assert.All(both, summary => Assert.True(summary.AllSucceeded));
        Assert.All(third.Results, r => Assert.Equal(Outcome.UpToDate, r.Outcome));
    }
}
