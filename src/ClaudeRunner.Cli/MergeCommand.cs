using System.CommandLine;

namespace ClaudeRunner.Cli;

/// <summary>
/// <c>claude-runner merge FILE|DIR…</c>: the shards' summaries into one summary and JUnit report of the whole set,
/// written where a run writes them (<c>--summary</c>, <c>--junit</c>, <c>--log-dir</c>). Exit 0 when every prompt
/// succeeded or was up to date, 1 when any failed, 2 when the shards are missing, duplicated or disagree.
/// </summary>
internal sealed class MergeCommand
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;

    private readonly Argument<string[]> _inputs = new("SUMMARY")
    {
        Arity = ArgumentArity.OneOrMore,
        Description = $"The shards' summary files, or directories whose {ShardMerge.ShardSummaryPattern} files (in any subdirectory) are merged.",
    };

    // The report options of a run, under the same names and rules.
    private readonly IReadOnlyList<(RunOption Row, Option<object?> Option)> _outputs =
        [.. new[] { "LogDirectory", "SummaryFile", "JUnitFile", "ReportFile" }.Select(name => RunOptions.ForName(name)!).Select(row => (row, (Option<object?>)RunnerCommand.ToCliOption(row)))];

    public MergeCommand(TextWriter stdout, TextWriter stderr)
    {
        _stdout = stdout;
        _stderr = stderr;
        _inputs.Validators.Add(RunnerCommand.RejectUnknownOptions);
        Command = new Command("merge", "Merges the summaries of a sharded run's CI jobs into one summary.json and JUnit report. Exit codes: 0 all succeeded, 1 any failed, 2 shards missing, duplicated or inconsistent.")
        {
            _inputs,
        };
        foreach (var (_, option) in _outputs)
        {
            Command.Options.Add(option);
        }

        Command.SetAction((parse, _) => MergeAsync(parse));
    }

    public Command Command { get; }

    private async Task<int> MergeAsync(ParseResult parse)
    {
        string? Output(string name) => (string?)parse.GetValue(_outputs.Single(output => output.Row.Name == name).Option);
        var result = ShardMerge.Merge(new MergeRequest
        {
            Inputs = parse.GetValue(_inputs) ?? [],
            BaseDirectory = Environment.CurrentDirectory,
            LogDirectory = Output("LogDirectory"),
            SummaryFile = Output("SummaryFile"),
            JUnitFile = Output("JUnitFile"),
            ReportFile = Output("ReportFile"),
        });
        if (result.Summary is not { } summary || !result.Complete)
        {
            foreach (var problem in result.Problems)
            {
                await _stderr.WriteLineAsync($"claude-runner merge: error: {problem}");
            }

            await _stdout.WriteLineAsync(result.Headline);
            return ExitCodes.BadInput;
        }

        await _stdout.WriteLineAsync($"merged {RunWording.Prompts(summary.Results.Count)}; summary: {summary.SummaryFile}, JUnit: {summary.JUnitFile}, report: {summary.ReportFile}");
        await _stdout.WriteLineAsync(result.Headline);
        foreach (var line in ResultText.Failures(summary))
        {
            await _stdout.WriteLineAsync(ConsoleText.Neutralise(line));
        }

        return summary.AllSucceeded ? ExitCodes.AllSucceeded : ExitCodes.SomeFailed;
    }
}
