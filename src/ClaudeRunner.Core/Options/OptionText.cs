using System.Globalization;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// Parses option values written as text: MSBuild item metadata, command-line arguments and the
/// duration strings of the prompts file. One parser, so every front end accepts the same spellings.
/// </summary>
public static partial class OptionText
{
    /// <summary>The permission modes claude accepts for <c>--permission-mode</c>.</summary>
    public static IReadOnlyList<string> PermissionModes { get; } = ["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"];

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
            var total = TimeSpan.Zero;
            foreach (Capture part in units.Groups["part"].Captures)
            {
                var match = DurationPart().Match(part.Value);
                var value = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
                total += match.Groups["u"].Value.ToLowerInvariant() switch
                {
                    "ms" => TimeSpan.FromMilliseconds(value),
                    "s" => TimeSpan.FromSeconds(value),
                    "m" => TimeSpan.FromMinutes(value),
                    "h" => TimeSpan.FromHours(value),
                    _ => TimeSpan.FromDays(value),
                };
            }

            return total;
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

    /// <summary>
    /// Reads per-prompt options from text values keyed by option name (case-insensitive, as in the
    /// prompts format: <c>Model</c>, <c>WorkingDirectory</c>, <c>Timeout</c>, <c>AllowedTools</c>, …).
    /// Lists are separated by <c>;</c> or <c>,</c>; <c>Env</c> is <c>NAME=value;NAME2=value</c>.
    /// Names this parser does not know are left to the caller (MSBuild items carry well-known metadata too).
    /// </summary>
    /// <param name="values">The option values by name.</param>
    /// <param name="location">Where the values come from, for error messages.</param>
    /// <param name="errors">Receives one error per value that does not parse.</param>
    public static PromptOptions ParseOptions(IEnumerable<KeyValuePair<string, string>> values, SourceLocation? location, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(errors);
        var options = PromptOptions.None;
        foreach (var (name, raw) in values)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var value = raw.Trim();
            void Error(string what) => errors.Add(new InputError($"Option '{name}' {what} (got '{value}').", location));
            switch (name.ToLowerInvariant())
            {
                case "workingdirectory": options = options with { WorkingDirectory = value }; break;
                case "model": options = options with { Model = value }; break;
                case "allowedtools": options = options with { AllowedTools = SplitList(value) }; break;
                case "disallowedtools": options = options with { DisallowedTools = SplitList(value) }; break;
                case "appendsystemprompt": options = options with { AppendSystemPrompt = raw }; break;
                case "permissionmode":
                    if (ValidPermissionMode(value) is { } mode)
                    {
                        options = options with { PermissionMode = mode };
                    }
                    else
                    {
                        Error(OptionRules.PermissionMode);
                    }

                    break;
                case "maxturns":
                    if (OptionRules.ParseWholeNumber(value, OptionRules.MinimumMaxTurns) is { } turns)
                    {
                        options = options with { MaxTurns = turns };
                    }
                    else
                    {
                        Error(OptionRules.WholeNumber(OptionRules.MinimumMaxTurns));
                    }

                    break;
                case "maxbudgetusd":
                    if (OptionRules.ParseUsd(value) is { } budget)
                    {
                        options = options with { MaxBudgetUsd = budget };
                    }
                    else
                    {
                        Error(OptionRules.PositiveUsd);
                    }

                    break;
                case "timeout":
                    if (OptionRules.ParseDuration(value, allowZero: false) is { } timeout)
                    {
                        options = options with { Timeout = timeout };
                    }
                    else
                    {
                        Error(OptionRules.PositiveDuration);
                    }

                    break;
                case "retries":
                    if (OptionRules.ParseWholeNumber(value, OptionRules.MinimumRetries) is { } retries)
                    {
                        options = options with { Retries = retries };
                    }
                    else
                    {
                        Error(OptionRules.WholeNumber(OptionRules.MinimumRetries));
                    }

                    break;
                case "env":
                    options = options with { Env = ParseEnvironment(value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), out var malformed) };
                    if (malformed.Count > 0)
                    {
                        Error("must be NAME=value pairs separated by ';'");
                    }

                    break;
                case "args":
                    options = options with { Args = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                    break;
                default:
                    break;
            }
        }

        return options;
    }

    /// <summary>Reads <c>NAME=value</c> assignments (the value may contain <c>=</c>; a later one wins for the same name).</summary>
    /// <param name="assignments">The assignments.</param>
    /// <param name="malformed">Receives the entries that are not assignments.</param>
    public static Dictionary<string, string> ParseEnvironment(IEnumerable<string> assignments, out IReadOnlyList<string> malformed)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var bad = new List<string>();
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                bad.Add(assignment);
                continue;
            }

            environment[assignment[..equals]] = assignment[(equals + 1)..];
        }

        malformed = bad;
        return environment;
    }

    /// <summary>The canonical spelling of a permission mode, or null when claude does not know it.</summary>
    public static string? ValidPermissionMode(string value) =>
        PermissionModes.FirstOrDefault(mode => string.Equals(mode, value, StringComparison.OrdinalIgnoreCase));

    private static string[] SplitList(string value) =>
        value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?\s*(ms|s|m|h|d))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationWithUnits();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>ms|s|m|h|d)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();
}
