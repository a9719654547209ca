namespace ClaudeRunner;

/// <summary>
/// The validated prompts of a run, in input order, with ids assigned. Loading collects every error of
/// every source before it gives up, and throws <see cref="InvalidInputException"/> when there is any:
/// no prompt of an invalid set ever runs.
/// </summary>
public sealed class PromptSet
{
    private PromptSet(IReadOnlyList<Prompt> prompts, IReadOnlyList<InputError> warnings)
    {
        Prompts = prompts;
        Warnings = warnings;
    }

    /// <summary>The prompts, in input order; a <c>foreach</c> entry contributes one per file, in path order.</summary>
    public IReadOnlyList<Prompt> Prompts { get; }

    /// <summary>What is valid but worth saying, such as a <c>foreach</c> that matched no file.</summary>
    public IReadOnlyList<InputError> Warnings { get; }

    /// <summary>Loads and validates prompts from <paramref name="sources"/>.</summary>
    /// <param name="sources">Prompt files, JSON text and in-memory prompts, in order.</param>
    /// <param name="runDefaults">Options that apply where neither a file's <c>defaults</c> nor a prompt set a value.</param>
    /// <param name="baseDirectory">Resolves relative file paths and working directories of sources that have no file.</param>
    /// <exception cref="InvalidInputException">Any source is invalid, or there is no prompt at all.</exception>
    public static PromptSet Load(IEnumerable<PromptSource> sources, PromptOptions runDefaults, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(runDefaults);
        var collector = new PromptCollector();
        var files = new PromptsFileReader(collector);
        foreach (var source in sources)
        {
            switch (source)
            {
                case PromptFile file:
                    files.ReadFile(Path.GetFullPath(file.Path, baseDirectory), runDefaults);
                    break;
                case PromptJson json:
                    files.ReadJson(System.Text.Encoding.UTF8.GetBytes(json.Json), json.Name, baseDirectory, runDefaults);
                    break;
                case PromptList list:
                    ReadList(collector, list, baseDirectory, runDefaults);
                    break;
                default:
                    throw new ArgumentException($"Unknown prompt source {source.GetType().Name}.", nameof(sources));
            }
        }

        // A source with no entries is a mistake; entries whose files all matched nothing are a build with nothing to do.
        if (collector.EntryCount == 0 && collector.Errors.Count == 0)
        {
            collector.Errors.Add(new InputError("No prompts provided."));
        }

        return collector.Errors.Count > 0 ? throw new InvalidInputException(collector.Errors) : new PromptSet(collector.Prompts, collector.Warnings);
    }

    private static void ReadList(PromptCollector collector, PromptList list, string baseDirectory, PromptOptions runDefaults)
    {
        foreach (var input in list.Prompts)
        {
            var options = input.Options ?? PromptOptions.None;
            if (options.WorkingDirectory is { } workingDirectory)
            {
                options = options with { WorkingDirectory = Path.GetFullPath(workingDirectory, baseDirectory) };
            }

            collector.Errors.AddRange(OptionValues.Problems(options, input.Location));
            collector.Add(new PromptEntry(input.Id, input.Text ?? string.Empty, options.Over(runDefaults), input.Location ?? new SourceLocation("<prompts>"), baseDirectory)
            {
                Foreach = input.Foreach,
                ChangedSince = input.ChangedSince,
                File = input.File,
            });
        }
    }
}
