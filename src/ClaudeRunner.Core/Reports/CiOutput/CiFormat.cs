namespace ClaudeRunner;

/// <summary>
/// How one CI reads commands from a build's output (README "CI output"): groups in its log, annotations at the failed
/// prompts, and what it shows of the whole run. The engine builds every line from masked text; front ends only write them.
/// </summary>
public abstract class CiFormat
{
    private protected CiFormat()
    {
    }

    /// <summary>The CI's name: "GitHub Actions", "Azure Pipelines", "TeamCity".</summary>
    public abstract string Name { get; }

    /// <summary>The line that opens a collapsible group titled <paramref name="title"/> in the CI's log.</summary>
    public abstract string GroupStart(string title);

    /// <summary>The line that closes the group <see cref="GroupStart"/> opened.</summary>
    public abstract string GroupEnd(string title);

    /// <summary>Writes what the CI reads from files (a step summary) and returns the lines for the build log.</summary>
    /// <param name="run">What to say.</param>
    /// <param name="failures">Gets a sentence for each file that could not be written.</param>
    internal abstract CiCommands Publish(CiRun run, List<string> failures);
}

/// <summary>What a run tells its CI through the build log, built by the engine from masked text (README "CI output").</summary>
/// <param name="Annotations">
/// Errors at the failed prompts (GitHub <c>::error</c>, Azure <c>##vso[task.logissue]</c>): the CLI and Cake write them; the
/// MSBuild task does not, since its own <c>file(line,col): error CCRnnn</c> errors already become the CI's annotations.
/// </param>
/// <param name="RunMessages">The run as a whole (TeamCity's test messages and build problem, Azure's summary upload): every front end writes them.</param>
public sealed record CiCommands(IReadOnlyList<string> Annotations, IReadOnlyList<string> RunMessages)
{
    /// <summary>Nothing to say: no CI, <c>CiOutput=none</c>, or a dry run.</summary>
    public static CiCommands None { get; } = new([], []);
}
