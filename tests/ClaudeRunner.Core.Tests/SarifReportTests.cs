using System.Text.Json;
using Nodes = System.Text.Json.Nodes;
using Json.Schema;

namespace ClaudeRunner.Tests;

/// <summary>
/// The SARIF log of a run with reviews, validated against the published SARIF 2.1.0 schema (vendored from
/// oasis-tcs/sarif-spec, Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json; see Sarif/README.md).
/// </summary>
public sealed class SarifReportTests : IDisposable
{
    private static readonly JsonSchema SarifSchema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sarif", "sarif-schema-2.1.0.json")));

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private async Task<RunSummary> RunAsync(string json, Func<RunRequest, RunRequest>? change = null) =>
        await FakeRuns.RunAsync((change ?? (r => r))(FakeRuns.Request(_scratch) with { Sources = [PromptSource.FromFile(_scratch.WriteFile("prompts.json", json))] }));

    [Fact]
    public async Task Every_finding_is_a_result_of_a_SARIF_2_1_0_log_that_is_valid_against_the_published_schema()
    {
        _scratch.WriteFile("src/my dir/auth.cs", "class Auth {}\n");
        var output = """{"findings":[{"file":"src/my dir/auth.cs","line":1,"column":7,"endLine":1,"endColumn":11,"severity":"error","code":"SEC001","message":"Broken."},{"file":"src/my dir/auth.cs","line":1,"severity":"note","message":"Fine."},{"file":"gone.cs","line":9,"severity":"warning","message":"Gone."}]}""";
        var summary = await RunAsync($$"""{"prompts": [{"id": "review", "prompt": {{FakeClaudeScratch.PromptWithOutput(output)}}, "findings": true, "failOn": "never"}]}""");

        Assert.Equal(Path.Combine(_scratch.LogDirectory, "findings.sarif"), summary.SarifFile);
        var sarif = Nodes.JsonNode.Parse(File.ReadAllText(summary.SarifFile!))!;
        var validation = SarifSchema.Evaluate(sarif, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(validation.IsValid, string.Join("; ", validation.Details.Where(d => d.HasErrors).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));

        var run = sarif["runs"]![0]!;
        Assert.Equal(new Uri(_scratch.Directory + "/").AbsoluteUri, (string?)run["originalUriBaseIds"]!["SRCROOT"]!["uri"]);
        var results = run["results"]!.AsArray();
        Assert.Equal(["CCRSEC001", "CCR202", "CCR203"], results.Select(r => (string?)r!["ruleId"]));
        Assert.Equal(["error", "note", "note"], results.Select(r => (string?)r!["level"]));
        var located = results[0]!["locations"]![0]!["physicalLocation"]!;
        Assert.Equal(("src/my%20dir/auth.cs", "SRCROOT"), ((string?)located["artifactLocation"]!["uri"], (string?)located["artifactLocation"]!["uriBaseId"]));
        Assert.Equal((1, 7, 1, 11), ((int)located["region"]!["startLine"]!, (int)located["region"]!["startColumn"]!, (int)located["region"]!["endLine"]!, (int)located["region"]!["endColumn"]!));
        // A refused finding points at its prompt, never at the path it named.
        var refused = results[2]!["locations"]![0]!["physicalLocation"]!;
        Assert.Equal(new Uri(Path.Combine(_scratch.Directory, "prompts.json")).AbsoluteUri, (string?)refused["artifactLocation"]!["uri"]);
        Assert.Equal(["CCR202", "CCR203", "CCRSEC001"], run["tool"]!["driver"]!["rules"]!.AsArray().Select(r => (string?)r!["id"]));
    }

    [Fact]
    public async Task A_run_without_reviews_writes_no_SARIF_log_and_SarifFile_moves_it()
    {
        var plain = await RunAsync("""{"prompts": ["hello"]}""");
        var sarifFile = Path.Combine(_scratch.Directory, "reports", "review.sarif");
        var reviewed = await RunAsync(
            $$"""{"prompts": [{"id": "review", "prompt": {{FakeClaudeScratch.PromptWithOutput("""{"findings":[]}""")}}, "findings": true}]}""",
            request => request with { SarifFile = "reports/review.sarif" });

        Assert.Null(plain.SarifFile);
        Assert.False(File.Exists(Path.Combine(_scratch.LogDirectory, "findings.sarif")));
        Assert.Equal(sarifFile, reviewed.SarifFile);
        using var sarif = JsonDocument.Parse(File.ReadAllText(sarifFile));
        Assert.Equal(0, sarif.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength());
    }
}
