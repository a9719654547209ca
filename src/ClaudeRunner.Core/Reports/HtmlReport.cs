using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// <c>report.html</c>: one self-contained file (inline style and script, no network) that shows the run's summary
/// document as a timeline, totals and a sortable table. The page (<c>Reports/report.html</c>, embedded) renders the
/// summary, which sits in a <c>&lt;script type="application/json"&gt;</c> block written by the same code as
/// <c>summary.json</c>.
/// </summary>
internal static class HtmlReport
{
    private const string Placeholder = "/*SUMMARY*/";

    // The page around the data: read once.
    private static readonly Lazy<(byte[] Before, byte[] After)> Page = new(() =>
    {
        using var resource = typeof(HtmlReport).Assembly.GetManifestResourceStream("ClaudeRunner.Reports.report.html")
            ?? throw new InvalidOperationException("The report page is not embedded in ClaudeRunner.Core.");
        using var reader = new StreamReader(resource, OwnerOnlyFile.Utf8);
        var page = reader.ReadToEnd();
        var at = page.IndexOf(Placeholder, StringComparison.Ordinal);
        return (OwnerOnlyFile.Utf8.GetBytes(page[..at]), OwnerOnlyFile.Utf8.GetBytes(page[(at + Placeholder.Length)..]));
    });

    // The default encoder writes <, >, &, quotes and every non-ASCII character (U+2028 and U+2029 too) as \uXXXX:
    // no text from claude can end the script block ("</script>") or break the JavaScript that reads it.
    private static readonly JsonWriterOptions Embedded = new() { Encoder = JavaScriptEncoder.Default };

    public static void Write(string path, RunSummary summary) =>
        OwnerOnlyFile.WriteAtomically(path, stream =>
        {
            var (before, after) = Page.Value;
            stream.Write(before);
            using (var json = new Utf8JsonWriter(stream, Embedded))
            {
                RunReports.WriteSummary(json, summary);
            }

            stream.Write(after);
        });
}
