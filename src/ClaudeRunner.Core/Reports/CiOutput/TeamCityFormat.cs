using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// TeamCity's service messages: each prompt a test (<c>testStarted</c>, <c>testFailed</c> or <c>testIgnored</c> for one that
/// never started, <c>testFinished</c> with its duration) in a suite, a <c>buildProblem</c> when the run failed, and
/// <c>blockOpened</c>/<c>blockClosed</c> groups in the log. Values are escaped by TeamCity's rules: <c>|</c>, <c>'</c>, CR, LF,
/// <c>[</c> and <c>]</c> with a <c>|</c>, and every character above 0x7F as <c>|0xNNNN</c>.
/// </summary>
internal sealed class TeamCityFormat : CiFormat
{
    public override string Name => "TeamCity";

    public override string GroupStart(string title) => Message("blockOpened", ("name", title));

    public override string GroupEnd(string title) => Message("blockClosed", ("name", title));

    /// <summary>A value as TeamCity's service messages require it.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '|' => "||",
                '\'' => "|'",
                '\n' => "|n",
                '\r' => "|r",
                '[' => "|[",
                ']' => "|]",
                > '\u007F' => string.Create(CultureInfo.InvariantCulture, $"|0x{(int)c:X4}"),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary><c>##teamcity[name key='value' …]</c>.</summary>
    public static string Message(string name, params (string Key, string Value)[] attributes) =>
        $"##teamcity[{name}{string.Concat(attributes.Select(a => $" {a.Key}='{Escape(a.Value)}'"))}]";

    internal override CiCommands Publish(CiRun run, List<string> failures)
    {
        var lines = new List<string> { Message("testSuiteStarted", ("name", run.SuiteName)) };
        foreach (var prompt in run.Prompts)
        {
            lines.Add(Message("testStarted", ("name", prompt.Id)));
            if (prompt.NeverStarted)
            {
                lines.Add(Message("testIgnored", ("name", prompt.Id), ("message", prompt.Message)));
            }
            else if (!prompt.Outcome.IsSuccess())
            {
                lines.Add(Message("testFailed", ("name", prompt.Id), ("message", prompt.Message), ("details", prompt.Details)));
            }

            lines.Add(Message("testFinished", ("name", prompt.Id), ("duration", prompt.DurationMs.ToString(CultureInfo.InvariantCulture))));
        }

        lines.Add(Message("testSuiteFinished", ("name", run.SuiteName)));
        if (run.Failed)
        {
            // A fixed identity: TeamCity tells a new problem from one that failed the previous build too.
            lines.Add(Message("buildProblem", ("description", $"Claude prompts: {run.Headline}"), ("identity", "claude-runner-prompts-failed")));
        }

        return new CiCommands([], lines);
    }
}
