namespace ClaudeRunner;

/// <summary>
/// One option of a run, declared once in <see cref="RunOptions"/>: its names in every surface, the kind of value
/// it takes, whether it applies per prompt or to the whole run, its default and its help text.
/// </summary>
public sealed record RunOption
{
    private readonly Func<RunRequest, object?> _get;
    private readonly Func<RunRequest, object, RunRequest> _set;
    private readonly Func<PromptOptions, object, PromptOptions>? _setOnPrompt;

    internal RunOption(
        string name,
        string? fileKey,
        string? cli,
        OptionKind kind,
        string help,
        Func<RunRequest, object?> get,
        Func<RunRequest, object, RunRequest> set,
        Func<PromptOptions, object, PromptOptions>? setOnPrompt = null)
    {
        Name = name;
        FileKey = fileKey;
        Cli = cli;
        Kind = kind;
        Help = help;
        _get = get;
        _set = set;
        _setOnPrompt = setOnPrompt;
    }

    /// <summary>The name of the MSBuild task parameter, the Cake setting and the engine property: <c>MaxParallel</c>.</summary>
    public string Name { get; }

    /// <summary>The key in a prompts file (and the MSBuild item metadata name): <c>maxTurns</c>; null for an option of the whole run.</summary>
    public string? FileKey { get; }

    /// <summary>The CLI option, such as <c>--max-parallel</c>; null when the CLI has none.</summary>
    public string? Cli { get; }

    /// <summary>Other CLI spellings that mean the same.</summary>
    public IReadOnlyList<string> CliAliases { get; init; } = [];

    /// <summary>The CLI option's value in help, such as <c>N</c> or <c>T</c>.</summary>
    public string? CliValueName { get; init; }

    /// <summary>Whether the CLI option turns the option off (<c>--no-skip-permissions</c> for a flag that is on by default).</summary>
    public bool CliNegates { get; init; }

    /// <summary>Whether the MSBuild task and the Cake settings have this option (the prompts file and item metadata may have options they don't).</summary>
    public bool IsFrontEndParameter { get; init; } = true;

    /// <summary>The kind of value.</summary>
    public OptionKind Kind { get; }

    /// <summary>Whether each prompt may set it (in a prompts file, its <c>defaults</c> or item metadata); otherwise it applies to the whole run.</summary>
    public bool IsPerPrompt => FileKey is not null;

    /// <summary>What the option does, in one sentence.</summary>
    public string Help { get; }

    /// <summary>The built-in default as people read it, or null when unset means "claude's own default" or "none".</summary>
    public string? DefaultText { get; init; }

    /// <summary>The value of this option in <paramref name="request"/> (a per-prompt option's run-wide default); null when unset.</summary>
    public object? ValueIn(RunRequest request) => _get(request);

    /// <summary>The request with this option set to <paramref name="value"/>, a value of the option's kind that it accepts.</summary>
    internal RunRequest Apply(RunRequest request, object value) => _set(request, value);

    /// <summary>A prompt's options with this per-prompt option set to <paramref name="value"/>.</summary>
    internal PromptOptions Apply(PromptOptions options, object value) =>
        _setOnPrompt is { } set ? set(options, value) : throw new InvalidOperationException($"{Name} applies to the whole run, not to a prompt.");

    /// <inheritdoc />
    public override string ToString() => Name;
}
