using Xunit.Abstractions;

namespace ClaudeRunner.Tests;

/// <summary>
/// The limit's policy against a simulated API, in virtual time: a server that admits a few requests at once and answers
/// each after a fixed time, refusing the rest with 429 and a retry delay that the refused claude waits out while it keeps
/// its slot. Deterministic (no processes, no clock), so it pins what the policy achieves, apart from any machine's speed;
/// bench/adaptive.sh measures the same workload with real processes.
/// </summary>
public sealed class AdaptiveConcurrencySimulationTests(ITestOutputHelper output)
{
    [Theory]
    // The bench's workload: 40 prompts, MaxParallel 16, a server admitting 4 at once, 1 s answers, retry after 1 s;
    // a claude's start (until its request reaches the API) of 0.05, 0.2 and 0.5 s.
    [InlineData(0.05)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void Forty_prompts_against_a_server_admitting_four_take_what_four_slots_at_a_time_take_with_few_refusals(double startSeconds)
    {
        var run = ServerSimulation.Run(prompts: 40, maxParallel: 16, capacity: 4, answer: 1.0, retryAfter: 1.0, start: startSeconds);
        output.WriteLine(run.ToString());

        // Four slots kept busy, each answer after its claude's start: the best a limit the API accepts can do.
        var fourSlots = 40 / 4 * (1.0 + startSeconds);
        Assert.InRange(run.Makespan / fourSlots, 0.9, 1.03);
        Assert.InRange(run.Refusals, 1, 10);
    }

    [Fact]
    public void With_quick_starts_the_run_is_within_the_issues_bar_of_the_ideal()
    {
        var run = ServerSimulation.Run(prompts: 40, maxParallel: 16, capacity: 4, answer: 1.0, retryAfter: 1.0, start: 0.05);

        // The ideal of 40 answers of 1 s, 4 at a time, is 10 s; at least 0.9 of its throughput is at most 11.1 s.
        Assert.InRange(run.Makespan, 10.0, 11.1);
    }

    [Fact]
    public void Without_adaptation_the_same_run_draws_far_more_refusals()
    {
        var adaptive = ServerSimulation.Run(prompts: 40, maxParallel: 16, capacity: 4, answer: 1.0, retryAfter: 1.0, start: 0.2);
        var fixedLimit = ServerSimulation.Run(prompts: 40, maxParallel: 16, capacity: 4, answer: 1.0, retryAfter: 1.0, start: 0.2, adaptive: false);
        output.WriteLine($"adaptive: {adaptive}\nfixed:    {fixedLimit}");

        Assert.True(fixedLimit.Refusals > 5 * adaptive.Refusals, $"{fixedLimit.Refusals} vs {adaptive.Refusals}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void Whatever_the_servers_capacity_the_limit_settles_near_it_with_few_refusals(int capacity)
    {
        var run = ServerSimulation.Run(prompts: 60, maxParallel: 16, capacity: capacity, answer: 1.0, retryAfter: 1.0, start: 0.2);
        output.WriteLine(run.ToString());

        var slotsAtCapacity = 60.0 / capacity * 1.2;
        Assert.InRange(run.Makespan / slotsAtCapacity, 0.9, 1.1);
        Assert.InRange(run.Refusals, 1, 15);
    }
}

/// <summary>A discrete-event simulation of a run's claudes against a server that admits <c>capacity</c> requests at once.</summary>
internal static class ServerSimulation
{
    public sealed record Outcome(double Makespan, int Refusals, int FinalLimit, IReadOnlyList<ConcurrencyChanged> Changes)
    {
        public override string ToString() =>
            $"makespan {Makespan:F2} s, {Refusals} refusals, limit {string.Join(" ", Changes.Select(c => c.To).Prepend(Changes.Count > 0 ? Changes[0].From : FinalLimit))}";
    }

    public static Outcome Run(int prompts, int maxParallel, int capacity, double answer, double retryAfter, double start, bool adaptive = true)
    {
        var origin = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var limit = new AdaptiveConcurrency(maxParallel, adaptive);
        // (time, sequence) orders events; the action runs at its time. Time in ticks: a pause ends exactly when it says.
        var events = new PriorityQueue<Action, (TimeSpan Time, long Sequence)>();
        long sequence = 0;
        var now = TimeSpan.Zero;
        var startTime = TimeSpan.FromSeconds(start);
        var answerTime = TimeSpan.FromSeconds(answer);
        var retryTime = TimeSpan.FromSeconds(retryAfter);
        var queued = prompts;
        var inUse = 0;
        var serving = 0;
        var refusals = 0;
        var finished = 0;
        var wakeupArmed = false;

        void At(TimeSpan time, Action action) => events.Enqueue(action, (time, sequence++));
        DateTimeOffset Clock() => origin + now;

        void StartWhatMay()
        {
            while (queued > 0 && inUse < limit.Limit && limit.MayStart(Clock()))
            {
                queued--;
                inUse++;
                var round = limit.Round;
                At(now + startTime, () => Request(round));
            }

            if (queued > 0 && limit.PausedUntil is { } until && until > Clock() && !wakeupArmed)
            {
                wakeupArmed = true;
                At(until - origin, () =>
                {
                    wakeupArmed = false;
                    StartWhatMay();
                });
            }
        }

        void Request(int round)
        {
            if (serving < capacity)
            {
                serving++;
                At(now + answerTime, () =>
                {
                    serving--;
                    limit.Succeeded(inUse, Clock());
                    inUse--;
                    finished++;
                    StartWhatMay();
                });
                return;
            }

            refusals++;
            limit.Congested(429, retryTime, round, Clock());
            At(now + retryTime, () => Request(round));
        }

        StartWhatMay();
        while (events.TryDequeue(out var action, out var key))
        {
            Assert.True(key.Time >= now, $"time went back from {now} to {key.Time}");
            Assert.True(sequence < 100_000, $"no end in sight at {now}: {queued} queued, {inUse} in use, {serving} served, {finished} finished, limit {limit.Limit}, paused until {limit.PausedUntil}");
            now = key.Time;
            action();
        }

        Assert.Equal(prompts, finished);
        return new Outcome(now.TotalSeconds, refusals, limit.Limit, [.. limit.Changes]);
    }
}
