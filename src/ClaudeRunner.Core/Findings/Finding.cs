using System.Globalization;

namespace ClaudeRunner;

/// <summary>How serious a finding is; the order is the order of <c>FailOn</c>.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; never fails a prompt.</summary>
    Note,

    /// <summary>Fails the prompt with <c>FailOn</c> <c>warning</c>.</summary>
    Warning,

    /// <summary>Fails the prompt unless <c>FailOn</c> is <c>never</c>.</summary>
    Error,
}

/// <summary>
/// One finding of a review prompt (<c>findings: true</c>): a diagnostic at a file and line, as every front end reports it
/// (an MSBuild error, warning or message; a <c>file(line,col): warning CODE: message</c> line in Cake and the CLI; a SARIF result).
/// </summary>
public sealed record Finding
{
    /// <summary>The code of a finding that gave none, by severity: CCR200 error, CCR201 warning, CCR202 note.</summary>
    public const string ErrorCode = "CCR200";

    /// <inheritdoc cref="ErrorCode"/>
    public const string WarningCode = "CCR201";

    /// <inheritdoc cref="ErrorCode"/>
    public const string NoteCode = "CCR202";

    /// <summary>The code of a finding whose location was refused (outside the repository, no such file): a note on the prompt.</summary>
    public const string RefusedLocationCode = "CCR203";

    /// <summary>The prompt that reported it.</summary>
    public required string PromptId { get; init; }

    /// <summary>The file as claude named it, relative to the prompt's working directory.</summary>
    public required string File { get; init; }

    /// <summary>The file's full path; for a refused location, the path the finding named (it is not reported there).</summary>
    public required string FullPath { get; init; }

    /// <summary>The file relative to <see cref="Root"/>, <c>/</c>-separated.</summary>
    public required string RootRelativePath { get; init; }

    /// <summary>The repository root of the prompt's working directory, or the working directory outside a repository: a finding's file must be under it.</summary>
    public required string Root { get; init; }

    /// <summary>1-based line.</summary>
    public required int Line { get; init; }

    /// <summary>1-based column; null when claude gave none.</summary>
    public int? Column { get; init; }

    /// <summary>1-based last line; null when claude gave none.</summary>
    public int? EndLine { get; init; }

    /// <summary>1-based column after the end; null when claude gave none.</summary>
    public int? EndColumn { get; init; }

    /// <summary>How serious it is, as claude said; a refused location is reported as a note whatever this says.</summary>
    public required FindingSeverity Severity { get; init; }

    /// <summary>claude's own code (such as <c>SEC001</c>), or null.</summary>
    public string? Code { get; init; }

    /// <summary>What is wrong, in claude's words.</summary>
    public required string Message { get; init; }

    /// <summary>Why the location was refused (outside the repository, no such file), or null: a refused finding is a note on the prompt instead.</summary>
    public string? RefusedBecause { get; init; }

    /// <summary>The severity it is reported with: its own, or <see cref="FindingSeverity.Note"/> for a refused location.</summary>
    public FindingSeverity ReportedSeverity => RefusedBecause is null ? Severity : FindingSeverity.Note;

    /// <summary>Whether it reaches the prompt's <c>FailOn</c>, so it fails the prompt (and the build).</summary>
    public bool Fails { get; init; }

    /// <summary>
    /// The severity a build shows: <see cref="ReportedSeverity"/>, except that an error that does not fail the prompt
    /// (<c>FailOn</c> <c>never</c>) shows as a warning, since a build error fails the build whatever the prompt says.
    /// </summary>
    public FindingSeverity BuildSeverity => ReportedSeverity == FindingSeverity.Error && !Fails ? FindingSeverity.Warning : ReportedSeverity;

    /// <summary>
    /// The diagnostic code: claude's own prefixed with <c>CCR</c> (<c>CCRSEC001</c>, still letters then digits as problem
    /// matchers expect), else CCR200/CCR201/CCR202 by severity; CCR203 for a refused location.
    /// </summary>
    public string DiagnosticCode =>
        RefusedBecause is not null ? RefusedLocationCode
        : Code is { } own ? "CCR" + own
        : Severity switch
        {
            FindingSeverity.Error => ErrorCode,
            FindingSeverity.Warning => WarningCode,
            _ => NoteCode,
        };

    /// <summary>The severity as the prompts format and SARIF spell it: <c>error</c>, <c>warning</c>, <c>note</c>.</summary>
    public static string Word(FindingSeverity severity) => severity.ToString().ToLowerInvariant();

    /// <summary>The message a front end shows: claude's, with the prompt's id, and for a refused location why and where it pointed.</summary>
    public string Text =>
        RefusedBecause is { } why
            ? $"[{PromptId}] a {Word(Severity)} finding at '{File}' line {Line.ToString(CultureInfo.InvariantCulture)} is not reported there: {why}. {Message}"
            : $"[{PromptId}] {Message}";

    /// <summary>
    /// The line Cake and the CLI print, in the canonical form problem matchers read (setup-dotnet's, Azure's):
    /// <c>/repo/src/a.cs(12,5): warning CCR201: [review--src-a-cs] message [prompts.json]</c>. A refused finding is a note at the prompt.
    /// </summary>
    /// <param name="promptLocation">Where the prompt was written: a refused finding is reported there, and the bracket names its file.</param>
    public string DiagnosticLine(SourceLocation promptLocation)
    {
        ArgumentNullException.ThrowIfNull(promptLocation);
        var where = RefusedBecause is null ? $"{FullPath}({Position})" : promptLocation.ToString();
        return $"{where}: {Word(BuildSeverity)} {DiagnosticCode}: {Text} [{promptLocation.File}]";
    }

    private string Position =>
        Column is not { } column ? Line.ToString(CultureInfo.InvariantCulture)
        : EndLine is { } endLine && EndColumn is { } endColumn ? FormattableString.Invariant($"{Line},{column},{endLine},{endColumn}")
        : FormattableString.Invariant($"{Line},{column}");
}
