using System.Globalization;

namespace ClaudeRunner;

/// <summary>
/// What makes an option value valid, said once. The prompts file, text values (MSBuild metadata and
/// parameters), typed settings (Cake, the engine's API) and the CLI all check these rules and say
/// them in these words; each reader only adds where the value came from.
/// </summary>
public static class OptionRules
{
    /// <summary>The least <c>maxTurns</c>.</summary>
    public const int MinimumMaxTurns = 1;

    /// <summary>The least <c>retries</c>.</summary>
    public const int MinimumRetries = 0;

    /// <summary>The rule of a positive duration (timeouts).</summary>
    public const string PositiveDuration = "must be a positive duration such as 00:20:00, 20m, 90s, 1500ms or a number of seconds";

    /// <summary>The rule of a duration that may be zero (delays, intervals).</summary>
    public const string Duration = "must be a duration such as 00:20:00, 20m, 90s, 1500ms or a number of seconds";

    /// <summary>The rule of an amount of money (<c>maxBudgetUsd</c>).</summary>
    public const string PositiveUsd = "must be a positive amount in US dollars such as 2.50";

    /// <summary>The rule of a permission mode.</summary>
    public static string PermissionMode { get; } = $"must be one of {string.Join(", ", OptionText.PermissionModes)}";

    /// <summary>The rule of a whole number of at least <paramref name="minimum"/>.</summary>
    public static string WholeNumber(int minimum) => string.Create(CultureInfo.InvariantCulture, $"must be a whole number of at least {minimum}");

    /// <summary>A whole number of at least <paramref name="minimum"/>, or null.</summary>
    public static int? ParseWholeNumber(string? text, int minimum) =>
        int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum ? value : null;

    /// <summary>A positive amount in US dollars, or null.</summary>
    public static decimal? ParseUsd(string? text) =>
        decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && amount > 0 ? amount : null;

    /// <summary>A duration (positive, or also zero when <paramref name="allowZero"/>), or null.</summary>
    public static TimeSpan? ParseDuration(string? text, bool allowZero) =>
        OptionText.ParseDuration(text) is { } duration && (allowZero || duration > TimeSpan.Zero) ? duration : null;

    /// <summary>The problems of typed per-prompt options, as (option name, rule) pairs; empty when there are none.</summary>
    public static IEnumerable<(string Option, string Rule)> Problems(PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxTurns < MinimumMaxTurns)
        {
            yield return ("MaxTurns", WholeNumber(MinimumMaxTurns));
        }

        if (options.Retries < MinimumRetries)
        {
            yield return ("Retries", WholeNumber(MinimumRetries));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            yield return ("Timeout", PositiveDuration);
        }

        if (options.MaxBudgetUsd <= 0)
        {
            yield return ("MaxBudgetUsd", PositiveUsd);
        }

        if (options.PermissionMode is { } mode && OptionText.ValidPermissionMode(mode) is null)
        {
            yield return ("PermissionMode", PermissionMode);
        }
    }
}
