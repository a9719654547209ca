using System.Text.Json;
using System.Text.RegularExpressions;
using ClaudeRunner.EndToEnd.Tests.Harness;
using ClaudeRunner.Tests;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// report.html opened in headless Chromium: a bar and a row for every prompt, the failure filter, an answer's
/// <c>&lt;script&gt;</c> shown as text and never run. Each test keeps a screenshot under <c>report-screenshots/</c>
/// in the test output directory.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed partial class ReportInBrowserTests(ITestOutputHelper output) : IDisposable
{
    // An answer that would mark the page if the report ever ran it.
    private const string HostileAnswer = "</script><script>document.body.setAttribute('data-pwned','yes')</script><img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\">";

    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "report-screenshots");

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [SkippableFact]
    public async Task A_run_with_every_outcome_has_a_bar_and_a_row_per_prompt_a_working_failure_filter_and_no_script_from_an_answer()
    {
        Chromium.Require();
        // Recorded first, so that the run below finds it up to date.
        await ClaudeRunnerEngine.RunAsync(Request(new PromptInput("@fake text=\"recorded\"\ncached", "cached")));
        var cancel = new CancellationTokenSource();
        PromptInput[] prompts =
        [
            new("@fake barrier=2 sleep=300 text=\"" + HostileAnswer.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"", "hostile-answer"),
            new("@fake barrier=2 fail_first=1 sleep=200\nflaky", "flaky", new PromptOptions { Retries = 1 }),
            new("@fake is_error stderr=\"the agent gave up\"", "agent-failed"),
            new("@fake api_error=429", "rate-limited"),
            new("@fake api_error=529", "overloaded"),
            new("@fake api_error=500", "server-error"),
            new("@fake api_error=401", "auth-failed"),
            new("@fake no_result", "interrupted"),
            new("refused", "launch-failed", new PromptOptions { Args = ["--no-such-flag"] }),
            new("@fake hang", "timed-out", new PromptOptions { Timeout = TimeSpan.FromMilliseconds(1500) }),
            new("@fake text=\"recorded\"\ncached", "cached"),
            new("@fake hang", "cancelled"),
        ];
        // The run is cancelled while the last prompt hangs and every other one is done (the retry included: it queues behind the others).
        var observer = new CancelWhenOnlyOneRuns("cancelled", prompts.Length, cancel);

        var summary = await ClaudeRunnerEngine.RunAsync(Request(prompts), observer, cancel.Token).WaitAsync(TimeSpan.FromMinutes(2));
        foreach (var result in summary.Results)
        {
            output.WriteLine($"{result.Id}: {result.Outcome} after {result.Attempts} attempt(s): {result.Message}");
        }


        Assert.Equal(
            ["Succeeded", "Succeeded", "Failed", "RateLimited", "Overloaded", "ServerError", "AuthFailed", "Interrupted", "LaunchFailed", "TimedOut", "UpToDate", "Cancelled"],
            summary.Results.Select(r => r.Outcome.ToString()));
        var all = await Chromium.DumpDomAsync(summary.ReportFile!);
        var failures = await Chromium.DumpDomAsync(summary.ReportFile!, "#failures");
        await Chromium.ScreenshotAsync(summary.ReportFile!, Path.Combine(Screenshots, "every-outcome.png"));
        output.WriteLine($"screenshot: {Path.Combine(Screenshots, "every-outcome.png")}");

        AssertRendered(all, summary);
        Assert.Equal(2, Bars(all).Count(bar => bar.Id == "flaky"));
        Assert.Single(Bars(all), bar => bar.Id == "cached" && bar.Classes.Contains("uptodate", StringComparison.Ordinal));
        Assert.Contains("data-id=\"flaky\" style=", BackoffOf(all, "flaky"), StringComparison.Ordinal);
        Assert.Equal(summary.Results.Select(r => (r.Id, Hidden: false)), Rows(all));
        Assert.Equal(summary.Results.Select(r => (r.Id, Hidden: r.Succeeded)), Rows(failures));
        Assert.Contains("<input type=\"checkbox\" id=\"failures-only\">", all, StringComparison.Ordinal);
        // The answer is in the page as text; the markup in it made nothing.
        Assert.Contains("&lt;/script&gt;&lt;script&gt;document.body.setAttribute('data-pwned','yes')", all, StringComparison.Ordinal);
        Assert.DoesNotContain("data-pwned=\"yes\"", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=\"x\"", all, StringComparison.Ordinal);
    }

    [SkippableFact]
    [Trait("Category", "RealClaude")]
    public async Task The_report_of_a_real_claude_run_with_a_retry_shows_every_attempt_and_row()
    {
        Chromium.Require();
        await using var scenario = await RealClaudeScenarios.PersistentOverloadAsync();

        var run = await scenario.RunEngineAsync(output.WriteLine);

        var page = run.Summary.ReportFile!;
        Assert.Equal(Path.Combine(scenario.LogDirectory, "report.html"), page);
        var all = await Chromium.DumpDomAsync(page);
        var failures = await Chromium.DumpDomAsync(page, "#failures");
        await Chromium.ScreenshotAsync(page, Path.Combine(Screenshots, "real-claude.png"));
        AssertRendered(all, run.Summary);
        Assert.Equal(2, Bars(all).Count(bar => bar.Id == RealClaudeScenarios.OverloadedId));
        Assert.Equal(run.Summary.Results.Select(r => (r.Id, Hidden: r.Succeeded)), Rows(failures));
        Assert.Contains(run.Summary.Results, r => r.Succeeded);
    }

    /// <summary>The page rendered, with as many bars as attempts (one for a prompt that did not run) and the totals.</summary>
    private static void AssertRendered(string dom, RunSummary summary)
    {
        Assert.Contains("data-rendered=\"true\"", dom, StringComparison.Ordinal);
        var expectedBars = summary.Results.SelectMany(r => Enumerable.Repeat(r.Id, Math.Max(r.History.Count, 1))).Order(StringComparer.Ordinal);
        Assert.Equal(expectedBars, Bars(dom).Select(bar => bar.Id).Order(StringComparer.Ordinal));
        Assert.Contains($"<div data-total=\"prompts\"><b>{summary.Results.Count}</b>prompts</div>", dom, StringComparison.Ordinal);
    }

    private static IEnumerable<(string Classes, string Id)> Bars(string dom) =>
        BarPattern().Matches(dom).Select(m => (m.Groups["classes"].Value, m.Groups["id"].Value));

    private static IEnumerable<(string Id, bool Hidden)> Rows(string dom) =>
        RowPattern().Matches(dom).Select(m => (m.Groups["id"].Value, m.Groups["hidden"].Success));

    private static string BackoffOf(string dom, string id) =>
        Regex.Match(dom, $"<div class=\"backoff\" data-id=\"{Regex.Escape(id)}\" style=[^>]*>").Value;

    private RunRequest Request(params PromptInput[] prompts) => new()
    {
        Sources = [PromptSource.FromPrompts(prompts)],
        BaseDirectory = _scratch.Directory,
        ClaudePath = FakeClaudeScratch.FakeClaudePath,
        LogDirectory = _scratch.LogDirectory,
        Defaults = new PromptOptions { Env = _scratch.Environment, Retries = 0 },
        // Two slots throughout: the run is cancelled while one prompt hangs in one slot and the retry runs in the other,
        // which the 429 and 529 here would not leave to an adaptive limit.
        MaxParallel = 2,
        AdaptiveConcurrency = false,
        RetryDelay = TimeSpan.FromMilliseconds(400),
        MaxRetryDelay = TimeSpan.FromMilliseconds(400),
        GracePeriod = TimeSpan.FromSeconds(1),
        HeartbeatInterval = TimeSpan.Zero,
    };

    [GeneratedRegex("<div class=\"(?<classes>bar [^\"]*)\" data-id=\"(?<id>[^\"]+)\"")]
    private static partial Regex BarPattern();

    [GeneratedRegex("<tbody data-id=\"(?<id>[^\"]+)\"[^>]*?(?<hidden> hidden=\"\")?>")]
    private static partial Regex RowPattern();

    /// <summary>Cancels the run once <paramref name="id"/> runs and all the other prompts finished.</summary>
    private sealed class CancelWhenOnlyOneRuns(string id, int prompts, CancellationTokenSource cancel) : IRunObserver
    {
        private bool _started;
        private int _finished;

        public void OnEvent(RunEvent runEvent)
        {
            _started |= runEvent is PromptStarted started && started.Prompt.Id == id;
            _finished += runEvent is PromptFinished ? 1 : 0;
            if (_started && _finished == prompts - 1)
            {
                cancel.Cancel();
            }
        }
    }
}
