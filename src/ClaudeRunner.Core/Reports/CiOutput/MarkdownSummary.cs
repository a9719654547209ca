using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// The run as a Markdown table for a CI's summary page (GitHub's step summary, Azure's build summary): the headline, a
/// totals line, then one row per prompt, failures first. Every cell is masked and escaped: a table's <c>|</c>, Markdown's
/// punctuation, line breaks, and HTML (GitHub renders HTML in summaries), so no text from claude becomes markup.
/// </summary>
internal sealed class MarkdownSummary(RunSummary summary, SecretRedactor redactor)
{
    /// <summary>GitHub refuses a step summary over 1 MiB; a little below it leaves room for what else the step writes.</summary>
    public const int GitHubLimitBytes = 1_000_000;

    /// <summary>
    /// The summary in at most <paramref name="budgetBytes"/> UTF-8 bytes: rows that do not fit are counted in a closing line
    /// instead; null when not even the headline and that line fit.
    /// </summary>
    public string? Render(int budgetBytes)
    {
        var head = new StringBuilder();
        var heading = summary.Shard is { } shard ? $"Claude prompts (shard {shard}): {summary.Headline}" : $"Claude prompts: {summary.Headline}";
        head.Append("### ").Append(Cell(heading)).Append("\n\n");
        head.Append(Cell(Totals())).Append("\n\n");
        head.Append("| prompt | outcome | attempts | duration | cost |\n|---|---|---:|---:|---:|\n");
        var text = new StringBuilder(head.ToString());
        var used = Encoding.UTF8.GetByteCount(text.ToString());
        if (used + Encoding.UTF8.GetByteCount(More(summary.Results.Count)) > budgetBytes)
        {
            return null;
        }

        var rows = summary.Results.Where(r => !r.Succeeded).Concat(summary.Results.Where(r => r.Succeeded)).ToList();
        for (var index = 0; index < rows.Count; index++)
        {
            var row = Row(rows[index]);
            var rowBytes = Encoding.UTF8.GetByteCount(row);
            // The closing line of the rows left out must fit too.
            if (used + rowBytes + Encoding.UTF8.GetByteCount(More(rows.Count - index)) > budgetBytes)
            {
                return text.Append(More(rows.Count - index)).ToString();
            }

            text.Append(row);
            used += rowBytes;
        }

        return text.Append('\n').ToString();
    }

    /// <summary>A table cell (or a line) with nothing in it read as Markdown or HTML, on one line.</summary>
    public static string Cell(string text)
    {
        var cell = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&':
                    cell.Append("&amp;");
                    break;
                case '<':
                    cell.Append("&lt;");
                    break;
                case '>':
                    cell.Append("&gt;");
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n':
                    cell.Append("<br>");
                    break;
                case '\\' or '|' or '`' or '*' or '_' or '[' or ']' or '~' or '#' or '!':
                    cell.Append('\\').Append(c);
                    break;
                default:
                    cell.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }

        return cell.ToString();
    }

    private string Totals()
    {
        var upToDate = summary.UpToDateCount;
        var failed = summary.Results.Count - summary.SucceededCount;
        var counts = string.Create(CultureInfo.InvariantCulture, $"{RunWording.Prompts(summary.Results.Count)}: {summary.SucceededCount - upToDate} succeeded, {upToDate} up to date, {failed} failed");
        return $"{counts} · {OptionText.FormatDuration(summary.Duration)} · {RunWording.Cost(summary.TotalCostUsd)}";
    }

    private string Row(PromptResult result)
    {
        var outcome = result.Succeeded ? $"✅ {result.Outcome}" : $"❌ {result.Outcome}: {Cell(redactor.Redact(result.Message))}";
        return string.Create(CultureInfo.InvariantCulture, $"| {Cell(result.Id)} | {outcome} | {result.Attempts} | {OptionText.FormatDuration(result.Duration)} | {RunWording.Cost(result.CostUsd)} |\n");
    }

    private static string More(int count) =>
        string.Create(CultureInfo.InvariantCulture, $"\n… {count} more prompt{(count == 1 ? string.Empty : "s")}, see summary.json / report.html\n");
}
