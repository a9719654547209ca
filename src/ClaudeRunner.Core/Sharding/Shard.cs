using System.Globalization;

namespace ClaudeRunner;

/// <summary>One of <see cref="Total"/> CI jobs that share a run's prompts: the <see cref="Index"/>th, counted from 1.</summary>
/// <param name="Index">Which shard, from 1 to <paramref name="Total"/>.</param>
/// <param name="Total">How many shards the prompts are cut into.</param>
public sealed record Shard(int Index, int Total)
{
    /// <summary>"2/4", as <c>--shard</c> takes it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Total}");

    /// <summary>A report's file name with the shard in it: <c>summary</c>, <c>.json</c> → <c>summary.2-of-4.json</c>.</summary>
    public string FileName(string stem, string extension) => string.Create(CultureInfo.InvariantCulture, $"{stem}.{Index}-of-{Total}{extension}");

    /// <summary>Reads "i/n" with 1 ≤ i ≤ n; null when the text is not that.</summary>
    public static Shard? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('/');
        return parts.Length == 2 && WholeNumber(parts[0]) is { } index && WholeNumber(parts[1]) is { } total && index >= 1 && index <= total
            ? new Shard(index, total)
            : null;
    }

    /// <summary>A whole number written with digits only (no sign, no spaces inside); null otherwise.</summary>
    internal static int? WholeNumber(string text) =>
        text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
