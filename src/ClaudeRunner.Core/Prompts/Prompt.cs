namespace ClaudeRunner;

/// <summary>A validated prompt, ready to run: its id, text, effective options and where it was written.</summary>
public sealed record Prompt
{
    /// <summary>Creates a prompt.</summary>
    public Prompt(string id, string text, PromptOptions options, SourceLocation location)
    {
        Id = id;
        Text = text;
        Options = options;
        Location = location;
    }

    /// <summary>Unique within the run, stable across runs, safe as a file name.</summary>
    public string Id { get; }

    /// <summary>The prompt text, written to claude's stdin.</summary>
    public string Text { get; }

    /// <summary>The effective options (run defaults, file defaults and the prompt's own, merged), with an absolute working directory.</summary>
    public PromptOptions Options { get; }

    /// <summary>Where the prompt was defined, for error messages.</summary>
    public SourceLocation Location { get; }

    /// <summary>The file a per-file prompt is about (<c>foreach</c>, a file item); null for other prompts.</summary>
    public TargetFile? File { get; init; }
}

/// <summary>A prompt given in memory by a front end (MSBuild items, a Cake list), before validation.</summary>
/// <param name="Text">The prompt text.</param>
/// <param name="Id">The id, or null to derive one from the text.</param>
/// <param name="Options">The prompt's own options; relative working directories resolve against the run's base directory.</param>
/// <param name="Location">Where the prompt was written (e.g. the project file), for error messages.</param>
public sealed record PromptInput(string Text, string? Id = null, PromptOptions? Options = null, SourceLocation? Location = null)
{
    /// <summary>
    /// Globs of the files this prompt runs for, one prompt per file (a glob starting with <c>!</c> excludes), relative to
    /// the working directory; <see cref="Text"/> is then a template with placeholders such as <c>{file}</c>.
    /// </summary>
    public IReadOnlyList<string>? Foreach { get; init; }

    /// <summary>With <see cref="Foreach"/>: only files that differ from this git ref (committed, staged, unstaged or untracked).</summary>
    public string? ChangedSince { get; init; }

    /// <summary>
    /// The one file this prompt is about (an MSBuild item that names a file, a Cake file), relative to the run's base
    /// directory; <see cref="Text"/> is then a template. Without an <see cref="Id"/>, the id comes from the text and the path.
    /// </summary>
    public string? File { get; init; }
}
