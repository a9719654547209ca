using System.Globalization;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// Durations as text, read and written the same way by every front end and the prompts file.
/// </summary>
public static partial class OptionText
{
    /// <summary>
    /// Parses a duration: a .NET time span (<c>00:20:00</c>, <c>1.02:00:00</c>), a number with a unit
    /// (<c>1500ms</c>, <c>90s</c>, <c>20m</c>, <c>2h</c>, or combined like <c>1m30s</c>), or a plain number of seconds.
    /// </summary>
    /// <returns>The duration, or null when <paramref name="text"/> is not one.</returns>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds is >= 0 and < 1e9 ? TimeSpan.FromSeconds(seconds) : null;
        }

        var units = DurationWithUnits().Match(text);
        if (units.Success)
        {
            var totalSeconds = 0d;
            foreach (Capture part in units.Groups["part"].Captures)
            {
                var match = DurationPart().Match(part.Value);
                var value = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
                totalSeconds += value * match.Groups["u"].Value.ToLowerInvariant() switch
                {
                    "ms" => 0.001,
                    "s" => 1,
                    "m" => 60,
                    "h" => 3600,
                    _ => 86400,
                };
            }

            // Beyond what a TimeSpan holds ("999999999999d") is not a duration, not a crash.
            return totalSeconds < 1e9 ? TimeSpan.FromSeconds(totalSeconds) : null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }

    /// <summary>Formats a duration the way <see cref="ParseDuration"/> reads it and people read it: <c>1h02m</c>, <c>3m20s</c>, <c>4.2s</c>, <c>350ms</c>.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return $"{Math.Max(0, (int)duration.TotalMilliseconds)}ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#}s");
        }

        return duration < TimeSpan.FromHours(1)
            ? $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s"
            : $"{(int)duration.TotalHours}h{duration.Minutes:00}m";
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?\s*(ms|s|m|h|d))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationWithUnits();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>ms|s|m|h|d)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();
}
