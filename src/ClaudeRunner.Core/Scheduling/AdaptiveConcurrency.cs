namespace ClaudeRunner;

/// <summary>
/// The run's concurrency limit, adapted to the API the way TCP Reno and Netflix's <c>AIMDLimit</c> adapt to a network:
/// it starts at <see cref="InitialLimit"/> (Anthropic's acceleration limits answer a sharp rise in usage with 429s),
/// grows by one with each success while the run uses at least half of it, up to MaxParallel — after the first 429 more
/// carefully, by one per limit's worth of successes (TCP's congestion avoidance: the API has shown where its edge is),
/// and back to a limit the API refused at only after <see cref="ProbePatience"/> limits' worth per refusal there —
/// and falls on a 429 or 529 from the API (halves the first time, then by <see cref="BackoffRatio"/>), once per round: a signal from an attempt that started before the last decrease only extends
/// the pause, since that attempt was admitted under the old limit and its trouble is already answered. No attempt
/// starts before the delay the API announced has passed. Not thread-safe: the <see cref="Scheduler"/> holds its lock.
/// </summary>
internal sealed class AdaptiveConcurrency
{
    /// <summary>The limit a run starts at when MaxParallel allows more: the runner's default MaxParallel, which users run without 429s.</summary>
    public const int InitialLimit = RunRequest.DefaultMaxParallel;

    /// <summary>The factor of a decrease after the first: Netflix concurrency-limits' AIMDLimit default.</summary>
    public const double BackoffRatio = 0.9;

    /// <summary>How many limits' worth of successes a step back to the last refused limit waits for, per refusal there.</summary>
    public const int ProbePatience = 4;

    private readonly int _max;
    private readonly bool _adaptive;
    private readonly List<ConcurrencyChanged> _changes = [];
    private bool _growthHeld;
    private int _successesTowardGrowth;
    private int? _congestedAt;
    private int _congestionsThere;

    public AdaptiveConcurrency(int maxParallel, bool adaptive)
    {
        _max = maxParallel;
        _adaptive = adaptive;
        Limit = adaptive ? Math.Min(maxParallel, InitialLimit) : maxParallel;
    }

    /// <summary>How many attempts may run now.</summary>
    public int Limit { get; private set; }

    /// <summary>Counts decreases: an attempt admitted in an earlier round does not decrease the limit again.</summary>
    public int Round { get; private set; }

    /// <summary>No attempt starts before this time (the API's announced retry delay); null when none is pending.</summary>
    public DateTimeOffset? PausedUntil { get; private set; }

    /// <summary>How many 429 signals (claude's retries and final errors) the run saw.</summary>
    public int RateLimitedSignals { get; private set; }

    /// <summary>How many 529 signals the run saw.</summary>
    public int OverloadedSignals { get; private set; }

    /// <summary>Every change of the limit, in order.</summary>
    public IReadOnlyList<ConcurrencyChanged> Changes => _changes;

    /// <summary>The API answered 429 or 529 to an attempt admitted in <paramref name="admittedInRound"/>.</summary>
    /// <returns>The change, or null when the limit stayed (adaptation off, an earlier round, or already 1).</returns>
    public ConcurrencyChanged? Congested(int status, TimeSpan? retryDelay, int admittedInRound, DateTimeOffset now)
    {
        if (status == 529)
        {
            OverloadedSignals++;
        }
        else
        {
            RateLimitedSignals++;
        }

        if (!_adaptive)
        {
            return null;
        }

        var until = now + (retryDelay ?? TimeSpan.Zero);
        if (PausedUntil is not { } paused || until > paused)
        {
            PausedUntil = until;
        }

        if (admittedInRound < Round || Limit == 1)
        {
            return null;
        }

        // After slow start the limit can be up to twice what the API takes: halve. Later it is one step past the edge the
        // API showed: back off by a tenth (Netflix AIMDLimit's default), which is one step at the limits runs use.
        var decreased = Round == 0 ? Limit / 2 : Math.Min(Limit - 1, (int)(Limit * BackoffRatio));
        _congestionsThere = _congestedAt == Limit ? _congestionsThere + 1 : 1;
        _congestedAt = Limit;
        Round++;
        _successesTowardGrowth = 0;
        return Change(Math.Max(1, decreased), now, $"API {(status == 529 ? "overloaded" : "rate limited")} ({status})", PausedUntil - now);
    }

    /// <summary>An attempt succeeded while <paramref name="inUse"/> attempts (it included) ran.</summary>
    public ConcurrencyChanged? Succeeded(int inUse, DateTimeOffset now)
    {
        if (!MayGrow(inUse))
        {
            return null;
        }

        // Before any congestion every success counts (slow start); after it, a limit's worth of them makes one step, and the
        // step back to where the API last refused waits ProbePatience limits' worth more each time the API refused there:
        // each probe costs a refusal and a pause of every start.
        var needed = Limit + 1 >= _congestedAt ? ProbePatience * _congestionsThere * Limit : Limit;
        if (Round > 0 && ++_successesTowardGrowth < needed)
        {
            return null;
        }

        _successesTowardGrowth = 0;
        return Change(Limit + 1, now, "success", null);
    }

    /// <summary>
    /// The API answered a request of one of <paramref name="inUse"/> running attempts. Until the first 429 or 529 each answer
    /// grows the limit as a success does: a prompt makes many requests over minutes, and a ramp-up that waited for whole
    /// prompts would leave slots idle for as long. After it, only successes count (one per limit's worth).
    /// </summary>
    public ConcurrencyChanged? ApiAnswered(int inUse, DateTimeOffset now) =>
        Round == 0 && MayGrow(inUse) ? Change(Limit + 1, now, "API answer", null) : null;

    /// <summary>claude's <c>rate_limit_event</c> status: a warning holds the limit where it is until the API says allowed again.</summary>
    public void UsageStatus(string status) => _growthHeld = status == "allowed_warning";

    /// <summary>Whether the pause is over at <paramref name="now"/>.</summary>
    public bool MayStart(DateTimeOffset now)
    {
        if (PausedUntil is { } until && now < until)
        {
            return false;
        }

        PausedUntil = null;
        return true;
    }

    private bool MayGrow(int inUse) => _adaptive && !_growthHeld && Limit < _max && inUse * 2 >= Limit;

    private ConcurrencyChanged Change(int limit, DateTimeOffset now, string reason, TimeSpan? nextStartIn)
    {
        var change = new ConcurrencyChanged(now, Limit, limit, reason, nextStartIn);
        Limit = limit;
        _changes.Add(change);
        return change;
    }
}
