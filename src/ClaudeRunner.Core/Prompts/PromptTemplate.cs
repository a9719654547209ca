using System.Text;

namespace ClaudeRunner;

/// <summary>
/// Text with per-file placeholders: <c>{file}</c> (the path relative to the working directory, <c>/</c>-separated),
/// <c>{fullPath}</c>, <c>{fileName}</c>, <c>{fileStem}</c>, <c>{dir}</c> (the file's directory relative to the working
/// directory, <c>.</c> at its top) and <c>{ext}</c> (with its dot, <c>.cs</c>); <c>{{</c> and <c>}}</c> stand for braces.
/// Only a brace around a name (<c>{word}</c>) is a placeholder: other braces (JSON, code) are text, so prompts that
/// quote code keep working.
/// </summary>
internal static class PromptTemplate
{
    /// <summary>The placeholder names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["file", "fullPath", "fileName", "fileStem", "dir", "ext"];

    /// <summary>
    /// What is wrong with the placeholders of <paramref name="text"/>: an unknown name, or any placeholder when the
    /// prompt is not about a file. Each problem names the placeholder and its position in the text.
    /// </summary>
    public static IEnumerable<string> Problems(string text, bool aboutFiles)
    {
        foreach (var (name, offset) in Placeholders(text))
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
            {
                if (aboutFiles)
                {
                    yield return $"Unknown placeholder '{{{name}}}' at character {offset + 1}: use {string.Join(", ", Names.Select(n => $"{{{n}}}"))}, or {{{{ and }}}} for braces.";
                }
            }
            else if (!aboutFiles)
            {
                yield return $"The placeholder '{{{name}}}' at character {offset + 1} needs \"foreach\": only a prompt about files has a {{{name}}}.";
            }
        }
    }

    /// <summary><paramref name="text"/> with the placeholders of a valid template replaced by <paramref name="file"/>'s values.</summary>
    public static string Render(string text, TargetFile file)
    {
        if (!text.Contains('{', StringComparison.Ordinal) && !text.Contains('}', StringComparison.Ordinal))
        {
            return text;
        }

        var rendered = new StringBuilder(text.Length + 64);
        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] == '{' || text[i] == '}') && i + 1 < text.Length && text[i + 1] == text[i])
            {
                rendered.Append(text[i++]);
            }
            else if (text[i] == '{' && NameAt(text, i) is { } name)
            {
                rendered.Append(file.Value(name));
                i += name.Length + 1;
            }
            else
            {
                rendered.Append(text[i]);
            }
        }

        return rendered.ToString();
    }

    private static IEnumerable<(string Name, int Offset)> Placeholders(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] == '{' || text[i] == '}') && i + 1 < text.Length && text[i + 1] == text[i])
            {
                i++;
            }
            else if (text[i] == '{' && NameAt(text, i) is { } name)
            {
                yield return (name, i);
                i += name.Length + 1;
            }
        }
    }

    /// <summary>The name of a placeholder that opens at <paramref name="open"/>: letters and digits up to a closing brace.</summary>
    private static string? NameAt(string text, int open)
    {
        var end = open + 1;
        while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
        {
            end++;
        }

        return end > open + 1 && end < text.Length && text[end] == '}' && char.IsAsciiLetter(text[open + 1]) ? text[(open + 1)..end] : null;
    }
}
