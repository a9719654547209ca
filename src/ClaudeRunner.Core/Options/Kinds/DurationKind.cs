using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// A duration such as <c>00:20:00</c>, <c>20m</c>, <c>90s</c>, <c>1500ms</c> or a number of seconds: positive, or also
/// zero when <see cref="AllowsZero"/>, and at most <see cref="Maximum"/>.
/// </summary>
internal sealed class DurationKind(bool allowsZero) : OptionKind
{
    /// <summary>
    /// Timers and delays in .NET take at most about 49.7 days; a month is longer than any prompt, retry or heartbeat
    /// needs and keeps every sum of them (timeout + grace period) within that.
    /// </summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(30);

    public bool AllowsZero { get; } = allowsZero;

    public override string Rule =>
        $"must be a {(AllowsZero ? string.Empty : "positive ")}duration such as 00:20:00, 20m, 90s, 1500ms or a number of seconds, at most 30 days";

    public override object? ParseText(string text) => OptionText.ParseDuration(text) is { } duration && Accepts(duration) ? duration : null;

    internal override object? ReadJson(JsonNode node) => node switch
    {
        JsonScalarNode { Kind: JsonValueKind.String, Text: { } text } => ParseText(text),
        JsonScalarNode { Kind: JsonValueKind.Number, Text: { } text } => ParseText(text),
        _ => null,
    };

    public override bool Accepts(object value) =>
        value is TimeSpan duration && (AllowsZero ? duration >= TimeSpan.Zero : duration > TimeSpan.Zero) && duration <= Maximum;

    public override string Display(object value) => OptionText.FormatDuration((TimeSpan)value);
}
