namespace ClaudeRunner;

/// <summary>Where prompts come from: a prompts file, JSON text (stdin), or prompts held in memory.</summary>
public abstract record PromptSource
{
    private protected PromptSource()
    {
    }

    /// <summary>The largest prompts input read, in bytes of a file or characters of JSON text (64 MiB).</summary>
    public const int MaxJsonLength = PositionedJson.MaxInputBytes;

    /// <summary>A prompts file. A relative path resolves against the run's base directory.</summary>
    public static PromptSource FromFile(string path) => new PromptFile(path);

    /// <summary>
    /// Prompts JSON held as text, such as standard input. <paramref name="name"/> names it in errors
    /// (e.g. <c>&lt;stdin&gt;</c>); relative working directories resolve against the run's base directory.
    /// </summary>
    public static PromptSource FromJson(string json, string name) => new PromptJson(json, name);

    /// <summary>Prompts given in memory.</summary>
    public static PromptSource FromPrompts(IEnumerable<PromptInput> prompts) => new PromptList([.. prompts]);

    /// <summary>Plain prompt texts given in memory.</summary>
    public static PromptSource FromPrompts(IEnumerable<string> prompts) =>
        new PromptList([.. prompts.Select(text => new PromptInput(text))]);
}

/// <summary>A prompts file on disk.</summary>
/// <param name="Path">Its path.</param>
public sealed record PromptFile(string Path) : PromptSource;

/// <summary>Prompts JSON held as text.</summary>
/// <param name="Json">The JSON.</param>
/// <param name="Name">The name used in errors.</param>
public sealed record PromptJson(string Json, string Name) : PromptSource;

/// <summary>Prompts held in memory.</summary>
/// <param name="Prompts">The prompts.</param>
public sealed record PromptList(IReadOnlyList<PromptInput> Prompts) : PromptSource;
