namespace ClaudeRunner;

/// <summary>
/// One prompt as a source wrote it, before ids, working directories and files are resolved: a prompts-file entry or an
/// in-memory <see cref="PromptInput"/>. A <c>foreach</c> entry or a file entry becomes one prompt per file.
/// </summary>
/// <param name="Id">The id given, or null to derive one.</param>
/// <param name="Text">The prompt text (a template when the entry is about files).</param>
/// <param name="Options">The effective options; a relative working directory resolves against <paramref name="Directory"/>.</param>
/// <param name="Location">Where the entry was written.</param>
/// <param name="Directory">The directory of the source (the prompts file's, or the run's base directory).</param>
internal sealed record PromptEntry(string? Id, string Text, PromptOptions Options, SourceLocation Location, string Directory)
{
    /// <summary>Where the id was written, when it was.</summary>
    public SourceLocation? IdLocation { get; init; }

    /// <summary>The globs of a <c>foreach</c> entry.</summary>
    public IReadOnlyList<string>? Foreach { get; init; }

    /// <summary>The git ref of <c>changedSince</c>.</summary>
    public string? ChangedSince { get; init; }

    /// <summary>The one file of a file entry, relative to <see cref="Directory"/>.</summary>
    public string? File { get; init; }

    /// <summary>Whether the entry is about files, so its texts are templates.</summary>
    public bool IsAboutFiles => Foreach is not null || File is not null;
}
