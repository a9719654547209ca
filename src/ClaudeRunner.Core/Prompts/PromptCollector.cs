namespace ClaudeRunner;

/// <summary>
/// Takes prompt entries from every source in input order and resolves what depends on all of them: a working directory
/// that exists, the files of per-file entries and their placeholders, and an id for each prompt (given, or derived from
/// the text and the file), unique in the run. Collects every error, and a warning for a <c>foreach</c> that matched nothing.
/// </summary>
internal sealed class PromptCollector
{
    private readonly Dictionary<string, Prompt> _byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string?> _schemas = new(StringComparer.Ordinal);

    // The process's secrets; an entry's env adds its own. An id derived from the text must not carry them.
    private readonly SecretRedactor _secrets = SecretRedactor.FromEnvironment([]);

    /// <summary>The prompts taken so far, in input order.</summary>
    public List<Prompt> Prompts { get; } = [];

    /// <summary>Every error found so far, in input order.</summary>
    public List<InputError> Errors { get; } = [];

    /// <summary>What is worth saying but valid: a <c>foreach</c> that matched no file.</summary>
    public List<InputError> Warnings { get; } = [];

    /// <summary>How many entries the sources had; a source with none is an error, entries that expand to nothing are not.</summary>
    public int EntryCount { get; private set; }

    /// <summary>Takes one entry, or records why it cannot be taken.</summary>
    public void Add(PromptEntry entry)
    {
        EntryCount++;
        if (string.IsNullOrWhiteSpace(entry.Text))
        {
            Errors.Add(new InputError("The prompt is empty.", entry.Location));
            return;
        }

        // Resolved once, so every attempt and the dry run agree.
        var workingDirectory = Path.GetFullPath(entry.Options.WorkingDirectory ?? entry.Directory, entry.Directory);
        var problems = TemplateProblems(entry).ToList();
        if (File.Exists(workingDirectory))
        {
            problems.Add($"The working directory '{workingDirectory}' is a file, not a directory.");
        }
        else if (!Directory.Exists(workingDirectory))
        {
            problems.Add($"The working directory '{workingDirectory}' does not exist.");
        }

        if (entry.ChangedSince is not null && entry.Foreach is null)
        {
            problems.Add("\"changedSince\" needs \"foreach\": it keeps the matched files that changed.");
        }

        problems.AddRange((entry.Foreach ?? []).Select(FileFanOut.Problem).OfType<string>());
        if (entry.Options is { Findings: true, OutputSchema: not null })
        {
            problems.Add("\"findings\" brings its own schema: remove \"outputSchema\", or \"findings\".");
        }

        if (problems.Count > 0)
        {
            Errors.AddRange(problems.Select(problem => new InputError(problem, entry.Location)));
            return;
        }

        var options = entry.Options with { WorkingDirectory = workingDirectory };
        if (options.OutputSchema is { } schemaValue)
        {
            if (Schema(schemaValue, entry) is not { } schema)
            {
                return;
            }

            options = options with { OutputSchema = schema };
        }
        if (!entry.IsAboutFiles)
        {
            Take(entry, entry.Id ?? DeriveId(entry), entry.Text, options, file: null, derived: entry.Id is null);
            return;
        }

        var (files, filesProblem) = entry.File is { } single
            ? SingleFile(workingDirectory, Path.GetFullPath(single, entry.Directory))
            : FileFanOut.Expand(workingDirectory, entry.Foreach!, entry.ChangedSince);
        if (filesProblem is not null)
        {
            Errors.Add(new InputError(filesProblem, entry.Location));
            return;
        }

        if (files.Count == 0)
        {
            Warnings.Add(new InputError($"\"foreach\" {string.Join(", ", entry.Foreach!.Select(p => $"'{p}'"))}{(entry.ChangedSince is null ? string.Empty : $" (changed since '{entry.ChangedSince}')")} matched no file in '{workingDirectory}': no prompt from this entry.", entry.Location));
            return;
        }

        var entryId = entry.File is not null && entry.Id is not null ? null : entry.Id ?? DeriveId(entry);
        if (entryId is not null && PromptIds.Problem(entryId) is { } idProblem)
        {
            Errors.Add(new InputError(idProblem, entry.IdLocation ?? entry.Location));
            return;
        }

        foreach (var file in files)
        {
            var id = entryId is null ? entry.Id! : PromptIds.ForFile(entryId, file.RelativePath);
            if (entryId is not null && _byId.TryGetValue(id, out var other) && other.Location == entry.Location)
            {
                // Two paths of this entry with one slug (a-b.cs, a.b.cs): the hash of the path tells them apart.
                id = PromptIds.ForFile(entryId, file.RelativePath, disambiguate: true);
            }

            var fileOptions = options with
            {
                AppendSystemPrompt = options.AppendSystemPrompt is { } system ? PromptTemplate.Render(system, file) : null,
                Args = options.Args is { } args ? [.. args.Select(arg => PromptTemplate.Render(arg, file))] : null,
            };
            Take(entry, id, PromptTemplate.Render(entry.Text, file), fileOptions, file, derived: false);
        }
    }

    /// <summary>The schema of an <c>outputSchema</c> value as JSON text, loaded and checked once per value (a fan-out shares it); null after an error.</summary>
    private string? Schema(string value, PromptEntry entry)
    {
        var key = OutputSchema.IsInline(value) ? value : Path.GetFullPath(value, entry.Directory);
        if (!_schemas.TryGetValue(key, out var schema))
        {
            schema = OutputSchema.Load(value, entry.Directory, entry.Location, Errors);
            _schemas[key] = schema;
        }

        return schema;
    }

    private string DeriveId(PromptEntry entry) => PromptIds.Derive(entry.Text, _secrets.With(entry.Options.Env));

    private static IEnumerable<string> TemplateProblems(PromptEntry entry)
    {
        IEnumerable<(string Where, string Text)> templates =
        [
            ("prompt", entry.Text),
            ("appendSystemPrompt", entry.Options.AppendSystemPrompt ?? string.Empty),
            .. (entry.Options.Args ?? []).Select(arg => ("args", arg)),
        ];
        return templates.SelectMany(template => PromptTemplate.Problems(template.Text, entry.IsAboutFiles).Select(problem => $"In \"{template.Where}\": {problem}"));
    }

    private static (IReadOnlyList<TargetFile>, string?) SingleFile(string workingDirectory, string fullPath) =>
        File.Exists(fullPath) ? ([TargetFile.In(workingDirectory, fullPath)], null) : ([], $"The file '{fullPath}' does not exist.");

    private void Take(PromptEntry entry, string id, string text, PromptOptions options, TargetFile? file, bool derived)
    {
        if (PromptIds.Problem(id) is { } problem)
        {
            Errors.Add(new InputError(problem, entry.IdLocation ?? entry.Location));
            return;
        }

        if (_byId.TryGetValue(id, out var first))
        {
            Errors.Add(new InputError(
                derived
                    ? $"The same prompt text appears twice (first at {first.Location}): give one of them an \"id\" if it should run twice."
                    : $"The id '{id}' is used twice (first at {first.Location}).",
                entry.IdLocation ?? entry.Location));
            return;
        }

        var prompt = new Prompt(id, text, options, entry.Location) { File = file };
        _byId.Add(id, prompt);
        Prompts.Add(prompt);
    }
}
