using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// The validated prompts of a run, in input order, with ids assigned. Loading collects every error of
/// every source before it gives up, and throws <see cref="InvalidInputException"/> when there is any:
/// no prompt of an invalid set ever runs.
/// </summary>
public sealed class PromptSet
{
    private static readonly string[] PromptFileProperties = ["$schema", "defaults", "prompts"];

    private readonly List<Prompt> _prompts = [];
    private readonly List<InputError> _errors = [];
    private readonly Dictionary<string, Prompt> _byId = new(StringComparer.OrdinalIgnoreCase);

    private PromptSet()
    {
    }

    /// <summary>The prompts, in input order.</summary>
    public IReadOnlyList<Prompt> Prompts => _prompts;

    /// <summary>Loads and validates prompts from <paramref name="sources"/>.</summary>
    /// <param name="sources">Prompt files, JSON text and in-memory prompts, in order.</param>
    /// <param name="runDefaults">Options that apply where neither a file's <c>defaults</c> nor a prompt set a value.</param>
    /// <param name="baseDirectory">Resolves relative file paths and working directories of sources that have no file.</param>
    /// <exception cref="InvalidInputException">Any source is invalid, or there is no prompt at all.</exception>
    public static PromptSet Load(IEnumerable<PromptSource> sources, PromptOptions runDefaults, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(runDefaults);
        var set = new PromptSet();
        foreach (var source in sources)
        {
            switch (source)
            {
                case PromptFile file:
                    set.LoadFile(Path.GetFullPath(file.Path, baseDirectory), runDefaults);
                    break;
                case PromptJson json:
                    set.LoadJson(System.Text.Encoding.UTF8.GetBytes(json.Json), json.Name, baseDirectory, runDefaults);
                    break;
                case PromptList list:
                    set.LoadList(list, baseDirectory, runDefaults);
                    break;
                default:
                    throw new ArgumentException($"Unknown prompt source {source.GetType().Name}.", nameof(sources));
            }
        }

        if (set._prompts.Count == 0 && set._errors.Count == 0)
        {
            set._errors.Add(new InputError("No prompts provided."));
        }

        return set._errors.Count > 0 ? throw new InvalidInputException(set._errors) : set;
    }

    private void LoadFile(string path, PromptOptions runDefaults)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _errors.Add(new InputError(ex is FileNotFoundException or DirectoryNotFoundException
                ? "The prompts file does not exist."
                : $"The prompts file cannot be read: {ex.Message}", new SourceLocation(path)));
            return;
        }

        LoadJson(bytes, path, Path.GetDirectoryName(path)!, runDefaults);
    }

    private void LoadJson(byte[] utf8, string name, string directory, PromptOptions runDefaults)
    {
        // A UTF-8 byte order mark is common in files written on Windows; the JSON reader rejects it.
        if (utf8.AsSpan().StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (PositionedJson.Parse(utf8, name, _errors) is not { } root)
        {
            return;
        }

        if (root is not JsonObjectNode file)
        {
            _errors.Add(new InputError("Expected a JSON object with a \"prompts\" array, like {\"prompts\": [\"…\"]}.", root.Location));
            return;
        }

        var members = UniqueMembers(file, "property");
        foreach (var member in file.Members.Where(m => !PromptFileProperties.Contains(m.Name, StringComparer.Ordinal)))
        {
            _errors.Add(new InputError($"Unknown property '{member.Name}': a prompts file has {string.Join(", ", PromptFileProperties.Skip(1).Select(p => $"'{p}'"))}.", member.NameLocation));
        }

        var defaults = runDefaults;
        if (members.TryGetValue("defaults", out var defaultsNode))
        {
            if (defaultsNode is JsonObjectNode defaultsObject)
            {
                defaults = ReadOptions(defaultsObject, directory, allowPromptFields: false).Over(runDefaults);
            }
            else
            {
                _errors.Add(new InputError("\"defaults\" must be an object of prompt options.", defaultsNode.Location));
            }
        }

        if (!members.TryGetValue("prompts", out var promptsNode))
        {
            _errors.Add(new InputError("The \"prompts\" array is missing.", file.Location));
            return;
        }

        if (promptsNode is not JsonArrayNode prompts)
        {
            _errors.Add(new InputError("\"prompts\" must be an array of strings or objects.", promptsNode.Location));
            return;
        }

        foreach (var item in prompts.Items)
        {
            switch (item)
            {
                case JsonScalarNode { Kind: JsonValueKind.String, Text: var text }:
                    AddPrompt(null, text!, defaults, item.Location, directory);
                    break;
                case JsonObjectNode prompt:
                    ReadPromptObject(prompt, defaults, directory);
                    break;
                default:
                    _errors.Add(new InputError($"A prompt must be a string or an object, not {item.Describe()}.", item.Location));
                    break;
            }
        }
    }

    private void ReadPromptObject(JsonObjectNode prompt, PromptOptions defaults, string directory)
    {
        var members = UniqueMembers(prompt, "option");
        var options = ReadOptions(prompt, directory, allowPromptFields: true);
        string? id = null;
        if (members.TryGetValue("id", out var idNode))
        {
            id = ExpectString(idNode, "id");
        }

        if (!members.TryGetValue("prompt", out var textNode))
        {
            _errors.Add(new InputError("The prompt object has no \"prompt\" text.", prompt.Location));
            return;
        }

        if (ExpectString(textNode, "prompt") is { } text)
        {
            AddPrompt(id, text, options.Over(defaults), textNode.Location, directory, idNode?.Location);
        }
    }

    private void LoadList(PromptList list, string baseDirectory, PromptOptions runDefaults)
    {
        foreach (var input in list.Prompts)
        {
            var options = input.Options ?? PromptOptions.None;
            if (options.WorkingDirectory is { } workingDirectory)
            {
                options = options with { WorkingDirectory = Path.GetFullPath(workingDirectory, baseDirectory) };
            }

            _errors.AddRange(OptionValues.Problems(options, input.Location));
            AddPrompt(input.Id, input.Text ?? string.Empty, options.Over(runDefaults), input.Location ?? new SourceLocation("<prompts>"), baseDirectory);
        }
    }

    private void AddPrompt(string? id, string text, PromptOptions options, SourceLocation location, string directory, SourceLocation? idLocation = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            _errors.Add(new InputError("The prompt is empty.", location));
            return;
        }

        var derived = id is null;
        id ??= PromptIds.Derive(text);
        if (PromptIds.Problem(id) is { } problem)
        {
            _errors.Add(new InputError(problem, idLocation ?? location));
            return;
        }

        if (_byId.TryGetValue(id, out var first))
        {
            _errors.Add(new InputError(
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
            _errors.Add(new InputError($"The working directory '{workingDirectory}' does not exist.", location));
            return;
        }

        var prompt = new Prompt(id, text, options with { WorkingDirectory = workingDirectory }, location);
        _byId.Add(id, prompt);
        _prompts.Add(prompt);
    }

    private PromptOptions ReadOptions(JsonObjectNode node, string directory, bool allowPromptFields)
    {
        var options = PromptOptions.None;
        foreach (var member in node.Members)
        {
            if (allowPromptFields && member.Name is "id" or "prompt")
            {
                continue;
            }

            if (RunOptions.ForFileKey(member.Name) is not { } option)
            {
                _errors.Add(new InputError($"Unknown option '{member.Name}'. Known options: {string.Join(", ", KnownOptions(allowPromptFields))}.", member.NameLocation));
                continue;
            }

            if (option.Kind.ReadJson(member.Value) is not { } value)
            {
                _errors.Add(new InputError($"\"{member.Name}\" {option.Kind.Rule}, not {member.Value.Describe()}.", member.Value.Location));
                continue;
            }

            options = option.Apply(options, value);
        }

        // Relative to this file, whatever the working directory of the defaults below it.
        return options.WorkingDirectory is { } workingDirectory ? options with { WorkingDirectory = Path.GetFullPath(workingDirectory, directory) } : options;
    }

    internal static IEnumerable<string> KnownOptions(bool withPromptFields) =>
        (withPromptFields ? new[] { "id", "prompt" } : []).Concat(RunOptions.FileKeys);

    private Dictionary<string, JsonNode> UniqueMembers(JsonObjectNode node, string what)
    {
        var members = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var member in node.Members)
        {
            if (!members.TryAdd(member.Name, member.Value))
            {
                _errors.Add(new InputError($"The {what} '{member.Name}' appears twice.", member.NameLocation));
            }
        }

        return members;
    }

    private string? ExpectString(JsonNode value, string name)
    {
        if (value is JsonScalarNode { Kind: JsonValueKind.String, Text: var text })
        {
            if (string.IsNullOrWhiteSpace(text) && name != "prompt")
            {
                _errors.Add(new InputError($"\"{name}\" must not be empty.", value.Location));
                return null;
            }

            return text;
        }

        _errors.Add(new InputError($"\"{name}\" must be a string, not {value.Describe()}.", value.Location));
        return null;
    }
}
