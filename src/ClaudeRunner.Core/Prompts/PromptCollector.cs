namespace ClaudeRunner;

/// <summary>
/// Takes prompts from every source in input order and checks what depends on all of them: an id for each (given or
/// derived from the text), unique in the run, and a working directory that exists. Collects every error.
/// </summary>
internal sealed class PromptCollector
{
    private readonly Dictionary<string, Prompt> _byId = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The prompts taken so far, in input order.</summary>
    public List<Prompt> Prompts { get; } = [];

    /// <summary>Every error found so far, in input order.</summary>
    public List<InputError> Errors { get; } = [];

    /// <summary>Takes one prompt, or records why it cannot be taken.</summary>
    public void Add(string? id, string text, PromptOptions options, SourceLocation location, string directory, SourceLocation? idLocation = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            Errors.Add(new InputError("The prompt is empty.", location));
            return;
        }

        var derived = id is null;
        id ??= PromptIds.Derive(text);
        if (PromptIds.Problem(id) is { } problem)
        {
            Errors.Add(new InputError(problem, idLocation ?? location));
            return;
        }

        if (_byId.TryGetValue(id, out var first))
        {
            Errors.Add(new InputError(
                derived
                    ? $"The same prompt text appears twice (first at {first.Location}): give one of them an \"id\" if it should run twice."
                    : $"The id '{id}' is used twice (first at {first.Location}).",
                idLocation ?? location));
            return;
        }

        // Resolve the working directory once, so every attempt and the dry run agree.
        var workingDirectory = Path.GetFullPath(options.WorkingDirectory ?? directory, directory);
        if (!Directory.Exists(workingDirectory))
        {
            Errors.Add(new InputError($"The working directory '{workingDirectory}' does not exist.", location));
            return;
        }

        var prompt = new Prompt(id, text, options with { WorkingDirectory = workingDirectory }, location);
        _byId.Add(id, prompt);
        Prompts.Add(prompt);
    }
}
