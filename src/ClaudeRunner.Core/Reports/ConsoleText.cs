using System.Text;

namespace ClaudeRunner;

/// <summary>
/// Makes text that came from claude (its answers, messages, stderr) safe to echo on a terminal or a CI log. A
/// prompt's output is not trusted: escape sequences could rewrite the terminal or its title, and a line starting
/// with <c>::error</c> (GitHub Actions) or holding <c>##vso[</c> (Azure Pipelines) or <c>##teamcity[</c> (TeamCity) would be run as a CI command.
/// Every front end passes what it echoes through <see cref="Neutralise"/>; logs and reports keep the text as it was.
/// </summary>
public static class ConsoleText
{
    // Invisible, and enough to stop the CI runners from reading the line as a command.
    private const char Breaker = '\u200B';

    /// <summary>
    /// <paramref name="text"/> with control characters shown as symbols (ESC as ␛, C1 controls and bidirectional
    /// overrides as �; line feeds and tabs kept) and CI command prefixes broken by a zero-width space.
    /// </summary>
    public static string Neutralise(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var safe = new StringBuilder(text.Length);
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (lineStart && c is not (' ' or '\t') && (IsAt(text, i, "::") || IsAt(text, i, "##[")))
            {
                safe.Append(c).Append(Breaker);
                lineStart = false;
                continue;
            }

            // Azure Pipelines and TeamCity read their commands anywhere in a line.
            if (IsAt(text, i, "##vso[") || IsAt(text, i, "##teamcity["))
            {
                var name = IsAt(text, i, "##vso[") ? "##vso" : "##teamcity";
                safe.Append(name).Append(Breaker);
                i += name.Length - 1;
                continue;
            }

            safe.Append(c switch
            {
                '\n' or '\t' => c,
                < ' ' => (char)(0x2400 + c),
                '\u007F' => '\u2421',
                (>= '\u0080' and <= '\u009F') or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => '\uFFFD',
                _ => c,
            });
            lineStart = c == '\n' || (lineStart && c is ' ' or '\t');
        }

        return safe.ToString();
    }

    private static bool IsAt(string text, int index, string prefix) => text.AsSpan(index).StartsWith(prefix, StringComparison.Ordinal);
}
