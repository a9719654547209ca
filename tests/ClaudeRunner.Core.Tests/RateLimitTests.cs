using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>
/// Adaptive concurrency and usage limits end to end through the engine, against FakeClaudes that share a server
/// admitting a few requests at once (<c>server_limit</c>) and answer 429 with claude's own retry lines above it.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Above_the_servers_limit_the_concurrency_falls_then_recovers_and_every_prompt_gets_through()
    {
        // Patient fakes (100 s of claude's own retries): on a loaded machine a fake may wait long for the server. The
        // first four (the starting limit) meet at a barrier before they ask, so that the server surely sees more than two
        // requests at once, however late each fake started.
        var prompts = Enumerable.Range(1, 16).Select(i => $"@fake barrier=4 server_limit=2 server_retries=2000 retry_ms=50 sleep=500\nprompt {i}").ToArray();
        var observer = new RecordingObserver();

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 8 }, observer);

        Assert.True(summary.AllSucceeded, string.Join("\n", summary.Failures.Select(f => $"{f.Id}: {f.Outcome} {f.Message}")));
        var concurrency = summary.Concurrency!;
        Assert.Equal(4, concurrency.Initial);
        Assert.True(concurrency.RateLimitedSignals > 0, "the server never refused a request");
        var changes = concurrency.Changes;
        var firstFall = changes.ToList().FindIndex(c => c.To < c.From);
        Assert.True(firstFall >= 0, "the limit never fell: " + string.Join("; ", changes));
        Assert.Contains(changes.Skip(firstFall + 1), c => c.To > c.From);
        Assert.Equal(changes, observer.Events.OfType<ConcurrencyChanged>());
        Assert.All(changes, c => Assert.InRange(c.To, 1, 8));
        Assert.True(_scratch.MaxConcurrency() <= 8);
        using var json = JsonDocument.Parse(File.ReadAllText(summary.SummaryFile!));
        var recorded = json.RootElement.GetProperty("concurrency");
        Assert.Equal(concurrency.RateLimitedSignals, recorded.GetProperty("rateLimitedSignals").GetInt32());
        Assert.Equal(changes.Count, recorded.GetProperty("changes").GetArrayLength());
    }

    [Fact]
    public async Task Before_any_429_the_api_answers_of_running_prompts_ramp_the_limit_up_without_waiting_for_a_prompt_to_end()
    {
        // Each fake answers once, then works for a minute: only API answers, no success, can let the second four start.
        var prompts = Enumerable.Range(1, 8).Select(i => $"@fake sleep=60000\nprompt {i}").ToArray();
        var observer = new RecordingObserver();
        using var cancel = new CancellationTokenSource();

        var run = FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 8 }, observer, cancel.Token);
        await _scratch.WaitForReadyAsync(8);
        await cancel.CancelAsync();
        var summary = await run;

        Assert.True(summary.Cancelled);
        var changes = observer.Events.OfType<ConcurrencyChanged>().ToList();
        Assert.Equal(Enumerable.Range(4, 4).Select(from => (from, from + 1, "API answer")), changes.Select(c => (c.From, c.To, c.Reason)));
    }

    [Fact]
    public async Task Without_adaptation_max_parallel_claudes_start_at_once_whatever_the_api_says()
    {
        var prompts = Enumerable.Range(1, 6).Select(i => $"@fake barrier=6\nprompt {i}").ToArray();

        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, prompts) with { MaxParallel = 6, AdaptiveConcurrency = false });

        Assert.True(summary.AllSucceeded);
        Assert.Equal(6, _scratch.MaxConcurrency());
        Assert.Equal((6, 6), (summary.Concurrency!.Initial, summary.Concurrency.Final));
    }

    [Fact]
    public async Task A_usage_limit_is_not_retried_starts_no_new_prompt_and_the_headline_names_it()
    {
        const string Limit = "You've hit your 5-hour limit · resets 8:38pm (UTC)";
        var request = FakeRuns.Request(_scratch, $"@fake api_error=429 text=\"{Limit}\"", "@fake\nlater", "@fake\nlast") with
        {
            MaxParallel = 1,
            Defaults = new PromptOptions { Env = _scratch.Environment, Retries = 2 },
        };

        var summary = await FakeRuns.RunAsync(request);

        Assert.Equal((Outcome.UsageLimited, 1), (summary.Results[0].Outcome, summary.Results[0].Attempts));
        Assert.All(summary.Results.Skip(1), r => Assert.Equal(new Verdict(Outcome.Cancelled, $"Not started: the API's usage limit is reached ({Limit})."), new Verdict(r.Outcome, r.Message)));
        Assert.Single(_scratch.Invocations());
        Assert.Equal(Limit, summary.UsageLimit);
        Assert.Equal($"3 of 3 prompts failed (stopped at the API's usage limit: {Limit})", summary.Headline);
    }

    [Fact]
    public async Task A_rejected_usage_status_lets_the_running_prompt_finish_and_starts_no_other()
    {
        var summary = await FakeRuns.RunAsync(FakeRuns.Request(_scratch, "@fake rate_limit_event=rejected\nfirst", "@fake\nsecond") with { MaxParallel = 1 });

        Assert.Equal(Outcome.Succeeded, summary.Results[0].Outcome);
        Assert.Equal(Outcome.Cancelled, summary.Results[1].Outcome);
        Assert.Single(_scratch.Invocations());
        Assert.StartsWith("1 of 2 prompts failed (stopped at the API's usage limit: claude reported", summary.Headline, StringComparison.Ordinal);
    }
}
