using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AnyAscii;

namespace ClaudeRunner;

/// <summary>
/// Prompt ids: the name of a prompt's log files and its row in the summary. A prompt without an id
/// gets one from its text (a slug plus a short hash), so reordering prompts keeps every id.
/// </summary>
public static partial class PromptIds
{
    private const int MaxSlugLength = 40;
    private const int MaxIdLength = 100;

    /// <summary>The id of a prompt that has none: <c>analyse-config-js-and-suggest-improvements-3f9a1c2e</c>.</summary>
    public static string Derive(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slug = Slug(text, MaxSlugLength);
        return slug.Length == 0 ? $"prompt-{Hash(text)}" : $"{slug}-{Hash(text)}";
    }

    /// <summary>
    /// The id of a prompt that has none, from its text with the secrets masked: an id names files and rows of the
    /// summary, so it must carry no secret, not even as a short hash that a short secret could be guessed from.
    /// </summary>
    public static string Derive(string text, SecretRedactor secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return Derive(secrets.Redact(text));
    }

    /// <summary>
    /// The id of a per-file prompt: its entry's id, <c>--</c> and a slug of the file's path (<c>review--src-auth-cs</c>),
    /// readable and stable whatever other files exist. <paramref name="disambiguate"/> adds a hash of the path, for two
    /// paths with one slug (<c>a-b.cs</c> and <c>a.b.cs</c>); a path too long for an id is cut and hashed too.
    /// </summary>
    public static string ForFile(string entryId, string relativePath, bool disambiguate = false)
    {
        ArgumentNullException.ThrowIfNull(entryId);
        ArgumentNullException.ThrowIfNull(relativePath);
        return Fitted($"{entryId}--{Slug(relativePath, MaxIdLength)}", relativePath, disambiguate);
    }

    /// <summary>The id of a prompt known only by its file (a Cake file list): a slug of the path, <c>src-auth-cs</c>.</summary>
    public static string ForPath(string relativePath)
    {
        var slug = Slug(relativePath, MaxIdLength);
        return slug.Length == 0 ? $"file-{Hash(relativePath)}" : Fitted(slug, relativePath, disambiguate: false);
    }

    private static string Fitted(string id, string relativePath, bool disambiguate) =>
        !disambiguate && id.Length <= MaxIdLength ? id : $"{id[..Math.Min(id.Length, MaxIdLength - 9)].TrimEnd('-')}-{Hash(relativePath)}";

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

    /// <summary>
    /// Lower-case ASCII letters and digits of <paramref name="text"/>, transliterated (AnyAscii: <c>Café</c> gives <c>cafe</c>,
    /// <c>Straße</c> <c>strasse</c>, <c>Привет</c> <c>privet</c>), anything else one <c>-</c>. AnyAscii rather than Unicode
    /// normalisation: its tables are its own, so an id is the same with or without ICU (the CLI runs without it, for a
    /// faster start; MSBuild and Cake hosts load it) and on every platform.
    /// </summary>
    private static string Slug(string text, int maxLength)
    {
        var slug = new StringBuilder(maxLength);
        foreach (var rune in text.EnumerateRunes())
        {
            if (slug.Length >= maxLength)
            {
                break;
            }

            if (rune.IsAscii)
            {
                Append(slug, (char)rune.Value);
                continue;
            }

            // A combining mark has no transliteration: "e" and U+0301 stay "e", with no separator between them.
            foreach (var ascii in Transliteration.Transliterate(rune))
            {
                Append(slug, (char)ascii);
            }
        }

        return slug.ToString(0, Math.Min(slug.Length, maxLength)).Trim('-');
    }

    private static void Append(StringBuilder slug, char c)
    {
        if (char.IsAsciiLetterOrDigit(c))
        {
            slug.Append(char.ToLowerInvariant(c));
        }
        else if (slug.Length > 0 && slug[^1] != '-')
        {
            slug.Append('-');
        }
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 4).ToLowerInvariant();

    // \z, not $: $ also matches before a final line feed, which would let "x\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();
}
