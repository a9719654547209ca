namespace ClaudeRunner;

/// <summary>A success recorded in the cache under a prompt's key: what an up-to-date prompt reports instead of running.</summary>
public sealed record RecordedSuccess
{
    /// <summary>The key it was recorded under.</summary>
    public required string Key { get; init; }

    /// <summary>The prompt's id when it succeeded.</summary>
    public required string Id { get; init; }

    /// <summary>When it succeeded (the end of its last attempt).</summary>
    public required DateTimeOffset Succeeded { get; init; }

    /// <summary>When the run it came from started.</summary>
    public required DateTimeOffset RunStart { get; init; }

    /// <summary>What it cost then.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>How long it took then, in milliseconds (a duration history for scheduling).</summary>
    public long DurationMs { get; init; }

    /// <summary>claude's session then.</summary>
    public string? SessionId { get; init; }

    /// <summary>claude's final answer then (secrets masked).</summary>
    public string? ResultText { get; init; }

    /// <summary>The structured output then (checked, unwrapped, secrets masked), for a prompt that asked for it.</summary>
    public System.Text.Json.JsonElement? Output { get; init; }

    /// <summary>The digest of each part of the key (text, options, inputs, claude's version), to tell what changed since.</summary>
    public IReadOnlyDictionary<string, string> Parts { get; init; } = new Dictionary<string, string>();

    /// <summary>"succeeded 2026-11-30 14:02", as every front end says it.</summary>
    public string When => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"succeeded {Succeeded.ToLocalTime():yyyy-MM-dd HH:mm}");
}
