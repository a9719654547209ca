using System.Text.Json;
using Node = System.Text.Json.Nodes.JsonNode;

namespace ClaudeRunner.Tests;

/// <summary>report.html: the summary document embedded where no answer can break out of it, attempts laid out in lanes.</summary>
public sealed class HtmlReportTests : IDisposable
{
    private const string SummaryBlockStart = "<script type=\"application/json\" id=\"summary\">";

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_report_embeds_the_summary_document_and_an_answer_cannot_end_its_script_block()
    {
        const string hostile = "</script><script>document.body.setAttribute('data-pwned','yes')</script> & <b>bold</b> \u2028\u2029 é";
        var request = FakeRuns.Request(_scratch, [
            new PromptInput("@fake text=\"" + hostile + "\"", "hostile"),
            new PromptInput("@fake print_env=API_TOKEN is_error", "fails"),
        ]);
        request = request with { Defaults = request.Defaults with { Env = new Dictionary<string, string>(request.Defaults.Env!) { ["API_TOKEN"] = "supersecretvalue" } } };

        var summary = await FakeRuns.RunAsync(request);

        var html = await File.ReadAllTextAsync(summary.ReportFile!);
        Assert.Equal(Path.Combine(_scratch.LogDirectory, "report.html"), summary.ReportFile);
        Assert.Equal(hostile, summary.Results[0].ResultText);
        // The data block and the page's own script end: no answer adds a third.
        Assert.Equal(2, html.Split("</script>").Length - 1);
        Assert.DoesNotContain("\u2028", html, StringComparison.Ordinal);
        Assert.DoesNotContain("supersecretvalue", html, StringComparison.Ordinal);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        var embedded = Node.Parse(EmbeddedSummary(html))!;
        var written = Node.Parse(await File.ReadAllTextAsync(summary.SummaryFile!))!;
        Assert.True(Node.DeepEquals(written, embedded), "report.html embeds the document summary.json holds");
        Assert.Equal(hostile, (string?)embedded["prompts"]![0]!["result"]);
        Assert.Contains("API_TOKEN=***", (string?)embedded["prompts"]![1]!["history"]![0]!["stderrTail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_attempt_is_in_the_history_with_its_times_and_outcome_and_the_backoff_between_them()
    {
        var request = FakeRuns.Request(_scratch, "@fake fail_first=1\nflaky") with { Defaults = FakeRuns.Request(_scratch).Defaults with { Retries = 1 } };

        var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);

        Assert.Equal([(1, Outcome.Overloaded), (2, Outcome.Succeeded)], result.History.Select(a => (a.Number, a.Outcome)));
        Assert.True(result.History[0].Start < result.History[0].End);
        Assert.True(result.History[0].End <= result.History[1].Start, "the second attempt starts after the first one's backoff");
        Assert.Equal((result.Start, result.End), (result.History[0].Start, result.History[1].End));
    }

    [Fact]
    public void Attempts_go_to_the_first_lane_free_at_their_start_so_lanes_never_outnumber_the_slots()
    {
        var t0 = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        PromptResult Prompt(string id, params (int From, int To)[] attempts) => new()
        {
            Id = id,
            Outcome = Outcome.Succeeded,
            Message = "ok",
            Location = new SourceLocation("prompts.json"),
            History = [.. attempts.Select((a, i) => new AttemptRecord { Number = i + 1, Start = t0.AddSeconds(a.From), End = t0.AddSeconds(a.To), Outcome = Outcome.Succeeded })],
        };

        // Two slots: a and b overlap; c starts when a ends (its lane is free again); d retries after a backoff; e never ran.
        var lanes = TimelineLanes.Assign([Prompt("a", (0, 5)), Prompt("b", (1, 9)), Prompt("c", (5, 8)), Prompt("d", (8, 9), (12, 14)), Prompt("e")]);

        Assert.Equal(new int[][] { [0], [1], [0], [0, 0], [] }, lanes);
    }

    private static string EmbeddedSummary(string html)
    {
        var start = html.IndexOf(SummaryBlockStart, StringComparison.Ordinal) + SummaryBlockStart.Length;
        return html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)];
    }
}
