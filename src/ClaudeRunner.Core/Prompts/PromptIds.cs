using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// Prompt ids: the name of a prompt's log files and its row in the summary. A prompt without an id
/// gets one from its text (a slug plus a short hash), so reordering prompts keeps every id.
/// </summary>
public static partial class PromptIds
{
    private const int MaxSlugLength = 40;

    /// <summary>The id of a prompt that has none: <c>analyse-config-js-and-suggest-improvements-3f9a1c2e</c>.</summary>
    public static string Derive(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slug = new StringBuilder(MaxSlugLength);
        foreach (var c in text.Normalize(NormalizationForm.FormKD))
        {
            if (slug.Length >= MaxSlugLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-' && !IsCombiningMark(c))
            {
                slug.Append('-');
            }
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 4).ToLowerInvariant();
        var trimmed = slug.ToString().Trim('-');
        return trimmed.Length == 0 ? $"prompt-{hash}" : $"{trimmed}-{hash}";
    }

    /// <summary>Why <paramref name="id"/> cannot be an id, or null when it can.</summary>
    public static string? Problem(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!SafeId().IsMatch(id))
        {
            return $"The id '{id}' is not safe as a file name: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }

        // Device names would open a device instead of a log file on Windows.
        var stem = id.Split('.')[0].ToUpperInvariant();
        return stem is "CON" or "PRN" or "AUX" or "NUL" || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && char.IsAsciiDigit(stem[3]))
            ? $"The id '{id}' is a reserved device name on Windows."
            : null;
    }

    private static bool IsCombiningMark(char c) =>
        char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();
}
