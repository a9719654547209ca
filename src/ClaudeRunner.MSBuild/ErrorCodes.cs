using Microsoft.Build.Utilities;

namespace ClaudeRunner.MSBuild;

/// <summary>
/// The <c>CCR</c> codes of the task's errors: one per outcome class of a prompt (CCR0xx), one per
/// kind of bad input (CCR1xx), and the findings of reviews (CCR2xx, from <see cref="Finding"/>: every front end shares
/// them), so a build log can be searched and a code suppressed or documented.
/// </summary>
internal static class ErrorCodes
{
    /// <summary>The prompts (a prompts file or <c>Prompts</c> items) are invalid; nothing ran.</summary>
    public const string InvalidPrompts = "CCR100";

    /// <summary>Neither <c>PromptsFile</c> nor <c>Prompts</c> was given.</summary>
    public const string NoPrompts = "CCR101";

    /// <summary>A task parameter has a value the task cannot use.</summary>
    public const string InvalidParameter = "CCR102";

    /// <summary>The shard summaries given to the merge are not one whole set: a shard is missing, given twice or cut from another set.</summary>
    public const string ShardsInconsistent = "CCR104";

    /// <summary>A warning about the input that does not stop the run, such as a <c>foreach</c> that matched no file.</summary>
    public const string InputWarning = "CCR110";

    /// <summary>The code of a prompt that ended with <paramref name="outcome"/>.</summary>
    public static string For(Outcome outcome) => outcome.ErrorCode();

    /// <summary>Logs a warning with a code at <paramref name="location"/>.</summary>
    public static void LogCodedWarning(this TaskLoggingHelper log, string code, SourceLocation location, string message) =>
        log.LogWarning(null, code, null, location.File, location.Line, location.Column, 0, 0, "{0}", message);

    /// <summary>Logs an error with a code at <paramref name="location"/> (a prompts file and line, or the task in the project file).</summary>
    public static void LogCodedError(this TaskLoggingHelper log, string code, SourceLocation location, string message) =>
        log.LogError(null, code, null, location.File, location.Line, location.Column, 0, 0, "{0}", message);
}
