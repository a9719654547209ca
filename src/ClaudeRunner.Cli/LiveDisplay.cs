using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClaudeRunner.Cli;

/// <summary>
/// The terminal view of a run: counts, elapsed time and ETA, and one row per running prompt, redrawn
/// in place; then a table of every prompt. Events arrive on the engine's thread, drawing happens on
/// the display's, so the state is guarded by a lock.
/// </summary>
internal sealed class LiveDisplay(IAnsiConsole console) : IRunObserver
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(250);
    private readonly Lock _state = new();
    private readonly Dictionary<string, RunningPrompt> _running = new(StringComparer.Ordinal);
    private readonly List<InputError> _warnings = [];
    private int _total;
    private int _done;
    private int _failed;
    // Succeeded in their worktrees, their changes applied at the end of the run: no longer running, not yet done.
    private readonly HashSet<string> _changesPending = new(StringComparer.Ordinal);
    private DateTimeOffset? _start;
    private TimeSpan? _eta;
    private ConcurrencyChanged? _concurrency;

    /// <summary>Whether standard output is an interactive terminal that understands ANSI codes (not CI, not a pipe).</summary>
    public static bool IsAvailable =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    public void OnEvent(RunEvent runEvent)
    {
        lock (_state)
        {
            switch (runEvent)
            {
                case RunStarted started:
                    _start = started.Time;
                    _total = started.Prompts.Count;
                    _warnings.AddRange(started.Warnings);
                    break;
                case PromptStarted started:
                    _running[started.Prompt.Id] = new RunningPrompt(started.Time, $"attempt {started.Attempt}/{started.MaxAttempts}", string.Empty);
                    break;
                case PromptRetrying retrying:
                    _running[retrying.Prompt.Id] = new RunningPrompt(
                        retrying.Time + retrying.Delay,
                        $"attempt {retrying.NextAttempt}/{retrying.MaxAttempts} in {OptionText.FormatDuration(retrying.Delay)}",
                        $"{retrying.Reason}: {retrying.Message}");
                    break;
                case WaitingForMachineSlot waiting:
                    _running[waiting.Prompt.Id] = new RunningPrompt(waiting.Time, "waiting for a machine slot", waiting.ToString());
                    break;
                case PromptOutput output when _running.TryGetValue(output.Prompt.Id, out var prompt):
                    _running[output.Prompt.Id] = prompt with { Latest = output.Text };
                    break;
                case PromptChangesPending pending:
                    _running.Remove(pending.Result.Id);
                    _changesPending.Add(pending.Result.Id);
                    break;
                case PromptFinished finished:
                    _running.Remove(finished.Result.Id);
                    _changesPending.Remove(finished.Result.Id);
                    _done++;
                    _failed += finished.Result.Succeeded ? 0 : 1;
                    break;
                case Heartbeat heartbeat:
                    _eta = heartbeat.Eta;
                    break;
                case ConcurrencyChanged change:
                    _concurrency = change;
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Redraws the progress until <paramref name="run"/> completes, then shows the final table.</summary>
    public async Task<RunSummary> ShowAsync(Task<RunSummary> run)
    {
        try
        {
            await console.Live(Render()).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(RedrawInterval));
                    context.UpdateTarget(Render());
                }
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The terminal went away: the run goes on without a display, and still writes its summary.
        }

        var summary = await run;
        try
        {
            ShowFinal(summary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // As above: the summary file has it all.
        }

        return summary;
    }

    private void ShowFinal(RunSummary summary)
    {
        foreach (var warning in _warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning.ToString())}");
        }

        console.Write(FinalTable(summary));
        console.MarkupLine(summary.AllSucceeded ? $"[green]{Markup.Escape(summary.Headline)}[/]" : $"[red]{Markup.Escape(summary.Headline)}[/]");
        foreach (var failure in ResultText.Failures(summary))
        {
            console.WriteLine(ConsoleText.Neutralise(failure));
        }

        console.WriteLine(ResultText.Totals(summary));
    }

    private IRenderable Render()
    {
        lock (_state)
        {
            var now = DateTimeOffset.Now;
            var elapsed = _start is { } start ? now - start : TimeSpan.Zero;
            var eta = _done == _total ? string.Empty : $" · ETA {(_eta is { } known ? OptionText.FormatDuration(known) : "unknown")}";
            var failed = _failed > 0 ? $", [red]{_failed} failed[/]" : string.Empty;
            var concurrency = _concurrency is { } change ? $" · {Markup.Escape(change.ToString())}" : string.Empty;
            var pending = _changesPending.Count > 0 ? $", {_changesPending.Count} with changes to apply at the end" : string.Empty;
            var header = new Markup($"[bold]{_done}/{_total} done[/]{failed}, {_running.Count} running{pending} · elapsed {OptionText.FormatDuration(elapsed)}{eta}{concurrency}");
            if (_running.Count == 0)
            {
                return header;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("Prompt", "Attempt", "Time", "Latest");
            table.Columns[0].NoWrap();
            foreach (var (id, prompt) in _running)
            {
                var time = now >= prompt.Since ? OptionText.FormatDuration(now - prompt.Since) : "waiting";
                table.AddRow(new Text(id), new Text(prompt.Attempt), new Text(time), new Text(OneLine(prompt.Latest)).Overflow(Overflow.Ellipsis));
            }

            return new Rows(header, table);
        }
    }

    private static Table FinalTable(RunSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Prompt", "Outcome", "Exit", "Attempts", "Duration", "Cost");
        table.Columns[0].NoWrap();
        foreach (var result in summary.Results)
        {
            table.AddRow(
                new Text(result.Id),
                new Text(result.Outcome.ToString(), new Style(result.Succeeded ? Color.Green : Color.Red)),
                new Text(ResultText.ExitCode(result)),
                new Text(result.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(OptionText.FormatDuration(result.Duration)),
                new Text(RunWording.Cost(result.CostUsd)));
        }

        return table;
    }

    private static string OneLine(string text) => ConsoleText.Neutralise(text.ReplaceLineEndings(" "));

    /// <summary>A prompt in flight: since when (or, while it waits to retry, when it starts again), which attempt, its latest output.</summary>
    private sealed record RunningPrompt(DateTimeOffset Since, string Attempt, string Latest);
}
