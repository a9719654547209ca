using Microsoft.Extensions.Time.Testing;

namespace ClaudeRunner.Tests;

/// <summary>The AIMD limit itself: where it starts, how it falls and grows, and when starts pause.</summary>
public sealed class AdaptiveConcurrencyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(16, true, 4)]
    [InlineData(2, true, 2)]
    [InlineData(16, false, 16)]
    public void The_limit_starts_at_the_default_max_parallel_or_lower_and_at_max_parallel_without_adaptation(int maxParallel, bool adaptive, int initial)
    {
        Assert.Equal(initial, new AdaptiveConcurrency(maxParallel, adaptive).Limit);
    }

    [Fact]
    public void A_429_halves_the_limit_and_pauses_starts_for_the_announced_delay()
    {
        var limit = new AdaptiveConcurrency(16, adaptive: true);

        var change = limit.Congested(429, TimeSpan.FromSeconds(12), admittedInRound: 0, Now);

        Assert.Equal(new ConcurrencyChanged(Now, 4, 2, "API rate limited (429)", TimeSpan.FromSeconds(12)), change);
        Assert.Equal("API rate limited (429): concurrency 4 → 2, next start in 12s", change!.ToString());
        Assert.False(limit.MayStart(Now + TimeSpan.FromSeconds(11.999)));
        Assert.True(limit.MayStart(Now + TimeSpan.FromSeconds(12)));
        Assert.Null(limit.PausedUntil);
    }

    [Fact]
    public void Signals_from_attempts_admitted_before_the_last_halving_only_extend_the_pause()
    {
        var limit = new AdaptiveConcurrency(16, adaptive: true);
        limit.Congested(429, TimeSpan.FromSeconds(1), admittedInRound: 0, Now);

        var late = limit.Congested(529, TimeSpan.FromSeconds(5), admittedInRound: 0, Now);

        Assert.Null(late);
        Assert.Equal(2, limit.Limit);
        Assert.Equal(Now + TimeSpan.FromSeconds(5), limit.PausedUntil);
        Assert.Equal((1, 1), (limit.RateLimitedSignals, limit.OverloadedSignals));
        Assert.Equal(1, limit.Congested(529, null, admittedInRound: 1, Now)!.To);
    }

    [Fact]
    public void The_limit_never_falls_below_one()
    {
        var limit = new AdaptiveConcurrency(1, adaptive: true);

        Assert.Null(limit.Congested(429, null, admittedInRound: 0, Now));
        Assert.Equal(1, limit.Limit);
    }

    [Fact]
    public void A_success_while_at_least_half_the_limit_is_in_use_raises_it_by_one_up_to_max_parallel()
    {
        var limit = new AdaptiveConcurrency(6, adaptive: true);

        Assert.Null(limit.Succeeded(inUse: 1, Now));
        Assert.Equal(5, limit.Succeeded(inUse: 2, Now)!.To);
        Assert.Equal("concurrency 4 → 5", limit.Changes[0].ToString());
        Assert.Equal(6, limit.Succeeded(inUse: 5, Now)!.To);
        Assert.Null(limit.Succeeded(inUse: 6, Now));
        Assert.Equal(6, limit.Limit);
    }

    [Fact]
    public void After_the_first_429_the_limit_grows_by_one_per_limits_worth_of_successes_and_back_to_the_refused_limit_only_after_patience()
    {
        var limit = new AdaptiveConcurrency(16, adaptive: true);
        limit.Congested(429, null, admittedInRound: 0, Now);

        Assert.Null(limit.Succeeded(inUse: 2, Now));
        Assert.Equal(3, limit.Succeeded(inUse: 2, Now)!.To);
        // 4 is where the API refused: the step there waits ProbePatience limits' worth of successes.
        for (var success = 1; success < AdaptiveConcurrency.ProbePatience * 3; success++)
        {
            Assert.Null(limit.Succeeded(inUse: 3, Now));
        }

        Assert.Equal(4, limit.Succeeded(inUse: 3, Now)!.To);
    }

    [Fact]
    public void Later_429s_take_a_tenth_off_at_least_one_and_each_refusal_at_the_same_limit_doubles_the_patience_before_the_next_probe()
    {
        var limit = new AdaptiveConcurrency(16, adaptive: true);
        Assert.Equal(2, limit.Congested(429, null, admittedInRound: 0, Now)!.To);
        GrowTo(limit, 3);

        Assert.Equal(2, limit.Congested(429, null, admittedInRound: 1, Now)!.To);
        Assert.Equal(AdaptiveConcurrency.ProbePatience * 1 * 2, SuccessesUntilGrowth(limit));
        Assert.Equal(2, limit.Congested(429, null, admittedInRound: 2, Now)!.To);
        Assert.Equal(AdaptiveConcurrency.ProbePatience * 2 * 2, SuccessesUntilGrowth(limit));

        var large = new AdaptiveConcurrency(64, adaptive: true);
        GrowTo(large, 40);
        Assert.Equal(20, large.Congested(429, null, admittedInRound: 0, Now)!.To);
        GrowTo(large, 30);
        Assert.Equal(27, large.Congested(529, null, admittedInRound: 1, Now)!.To);
    }

    private static void GrowTo(AdaptiveConcurrency limit, int target)
    {
        while (limit.Limit < target)
        {
            limit.Succeeded(inUse: limit.Limit, Now);
        }
    }

    private static int SuccessesUntilGrowth(AdaptiveConcurrency limit)
    {
        var successes = 1;
        while (limit.Succeeded(inUse: limit.Limit, Now) is null)
        {
            successes++;
        }

        return successes;
    }

    [Fact]
    public void Before_the_first_429_each_api_answer_grows_the_limit_like_a_success_and_after_it_none_does()
    {
        var limit = new AdaptiveConcurrency(16, adaptive: true);

        Assert.Equal(new ConcurrencyChanged(Now, 4, 5, "API answer", null), limit.ApiAnswered(inUse: 4, Now));
        Assert.Null(limit.ApiAnswered(inUse: 2, Now));
        limit.Congested(429, null, admittedInRound: 0, Now);

        Assert.Null(limit.ApiAnswered(inUse: 2, Now));
        Assert.Equal(2, limit.Limit);
    }

    [Fact]
    public void An_allowed_warning_holds_the_limit_until_the_account_is_allowed_again()
    {
        var limit = new AdaptiveConcurrency(8, adaptive: true);

        limit.UsageStatus("allowed_warning");
        Assert.Null(limit.Succeeded(inUse: 4, Now));
        limit.UsageStatus("allowed");

        Assert.Equal(5, limit.Succeeded(inUse: 4, Now)!.To);
    }

    [Fact]
    public void Without_adaptation_signals_are_counted_but_change_nothing()
    {
        var limit = new AdaptiveConcurrency(8, adaptive: false);

        Assert.Null(limit.Congested(429, TimeSpan.FromSeconds(30), admittedInRound: 0, Now));
        Assert.Null(limit.Succeeded(inUse: 8, Now));

        Assert.Equal((8, 1), (limit.Limit, limit.RateLimitedSignals));
        Assert.True(limit.MayStart(Now));
        Assert.Empty(limit.Changes);
    }
}

/// <summary>The scheduler's queue under the adaptive limit, on a fake clock.</summary>
public sealed class SchedulerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task After_a_429_no_waiter_starts_before_the_pause_ends_nor_above_the_halved_limit()
    {
        var observer = new RecordingObserver();
        using var scheduler = Scheduler(maxParallel: 16, observer);
        var admitted = Enumerable.Range(0, 4).Select(_ => scheduler.EnterAsync()).ToList();
        var waiting = new[] { scheduler.EnterAsync(), scheduler.EnterAsync() };
        Assert.All(await Task.WhenAll(admitted), a => Assert.Null(a.Refusal));

        scheduler.Congested(429, TimeSpan.FromSeconds(10), admittedInRound: 0);
        scheduler.Leave();
        scheduler.Leave();
        scheduler.Leave();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.DoesNotContain(waiting, w => w.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var first = await waiting[0];

        Assert.Equal(new Admission(null, 1), first);
        Assert.False(waiting[1].IsCompleted, "a second start would exceed the halved limit of 2");
        Assert.Equal(2, scheduler.Running);
        Assert.Equal(new ConcurrencyChanged(_time.GetLocalNow() - TimeSpan.FromSeconds(10), 4, 2, "API rate limited (429)", TimeSpan.FromSeconds(10)), Assert.Single(observer.Events.OfType<ConcurrencyChanged>()));
        scheduler.Leave();
        Assert.Null((await waiting[1]).Refusal);
    }

    [Fact]
    public async Task A_usage_limit_refuses_every_waiter_and_every_later_start()
    {
        using var scheduler = Scheduler(maxParallel: 1, new RecordingObserver());
        Assert.Null((await scheduler.EnterAsync()).Refusal);
        var waiting = scheduler.EnterAsync();

        scheduler.StopAtUsageLimit("You've hit your 5-hour limit · resets 8:38pm (UTC)");

        var expected = new Verdict(Outcome.Cancelled, "Not started: the API's usage limit is reached (You've hit your 5-hour limit · resets 8:38pm (UTC)).");
        Assert.Equal(expected, (await waiting).Refusal);
        Assert.Equal(expected, (await scheduler.EnterAsync()).Refusal);
    }

    [Fact]
    public async Task Cancelling_refuses_the_waiters()
    {
        using var cancel = new CancellationTokenSource();
        using var scheduler = new Scheduler(new RunRequest { MaxParallel = 1, TimeProvider = _time }, new ObserverGate(null), cancel.Token);
        Assert.Null((await scheduler.EnterAsync()).Refusal);
        var waiting = scheduler.EnterAsync();

        await cancel.CancelAsync();

        Assert.Equal(Verdict.NotStartedCancelled, (await waiting).Refusal);
    }

    [Fact]
    public async Task A_retry_gets_the_next_slot_before_a_prompt_that_has_not_started()
    {
        using var scheduler = Scheduler(maxParallel: 1, new RecordingObserver());
        Assert.Null((await scheduler.EnterAsync()).Refusal);
        var firstAttempt = scheduler.EnterAsync();
        var retry = scheduler.ReenterAsync();

        scheduler.Leave();

        Assert.Null((await retry).Refusal);
        Assert.False(firstAttempt.IsCompleted, "the prompt that has not started waits behind the retry, which queued after it");
        Assert.Equal(1, scheduler.Started);
        scheduler.Leave();
        Assert.Null((await firstAttempt).Refusal);
        Assert.Equal(2, scheduler.Started);
    }

    private Scheduler Scheduler(int maxParallel, RecordingObserver observer) =>
        new(new RunRequest { MaxParallel = maxParallel, TimeProvider = _time }, new ObserverGate(observer), CancellationToken.None);
}
