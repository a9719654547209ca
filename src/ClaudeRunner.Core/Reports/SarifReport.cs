using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// Every finding of a run as a SARIF 2.1.0 log (one run, one result per finding), for GitHub code scanning and SARIF
/// viewers. Written with System.Text.Json: the SARIF SDK does not restore here, and the log is small. Paths are relative
/// to the finding's root (its repository) under a <c>uriBaseId</c> whose absolute URI is in <c>originalUriBaseIds</c>,
/// as code scanning expects; a finding whose location was refused is placed at its prompt, at level <c>note</c>.
/// </summary>
internal static class SarifReport
{
    private const string BaseId = "SRCROOT";

    public static void Write(string path, RunSummary summary) =>
        OwnerOnlyFile.WriteAtomically(path, stream =>
        {
            var results = summary.Results.SelectMany(r => r.Findings.Select(f => (Result: r, Finding: f))).ToList();
            // One base id per distinct root, in order of first use: SRCROOT, SRCROOT2, …
            var baseIds = results.Select(r => r.Finding.Root).Distinct(StringComparer.Ordinal)
                .Select((root, index) => (root, id: index == 0 ? BaseId : $"{BaseId}{index + 1}"))
                .ToDictionary(p => p.root, p => p.id, StringComparer.Ordinal);

            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            WriteTool(json, results.Select(r => r.Finding));
            json.WriteStartObject("originalUriBaseIds");
            foreach (var (root, id) in baseIds)
            {
                json.WriteStartObject(id);
                json.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar).AbsoluteUri);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartArray("results");
            foreach (var (result, finding) in results)
            {
                WriteResult(json, result, finding, baseIds[finding.Root]);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static void WriteTool(Utf8JsonWriter json, IEnumerable<Finding> findings)
    {
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "ClaudeRunner");
        json.WriteString("informationUri", "https://github.com/claude-runner/claude-runner");
        json.WriteString("version", typeof(SarifReport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        json.WriteStartArray("rules");
        foreach (var code in findings.Select(f => f.DiagnosticCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("id", code);
            json.WriteStartObject("shortDescription");
            json.WriteString("text", code switch
            {
                Finding.ErrorCode => "A review's error finding",
                Finding.WarningCode => "A review's warning finding",
                Finding.NoteCode => "A review's note finding",
                Finding.RefusedLocationCode => "A finding whose file is outside the repository or does not exist",
                _ => $"A review's finding with claude's code {code["CCR".Length..]}",
            });
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, PromptResult result, Finding finding, string baseId)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.DiagnosticCode);
        json.WriteString("level", Finding.Word(finding.ReportedSeverity));
        json.WriteStartObject("message");
        json.WriteString("text", finding.Text);
        json.WriteEndObject();
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        if (finding.RefusedBecause is null)
        {
            json.WriteString("uri", RelativeUri(finding.RootRelativePath));
            json.WriteString("uriBaseId", baseId);
        }
        else
        {
            json.WriteString("uri", new Uri(Path.GetFullPath(result.Location.File)).AbsoluteUri);
        }

        json.WriteEndObject();
        json.WriteStartObject("region");
        if (finding.RefusedBecause is null)
        {
            json.WriteNumber("startLine", finding.Line);
            WriteIfSet(json, "startColumn", finding.Column);
            WriteIfSet(json, "endLine", finding.EndLine);
            WriteIfSet(json, "endColumn", finding.EndColumn);
        }
        else
        {
            json.WriteNumber("startLine", Math.Max(1, result.Location.Line));
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("properties");
        json.WriteString("promptId", finding.PromptId);
        json.WriteString("severity", Finding.Word(finding.Severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // Each segment escaped, the separators kept: "my dir/a#b.cs" → "my%20dir/a%23b.cs".
    private static string RelativeUri(string relativePath) => string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));

    private static void WriteIfSet(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }
}
