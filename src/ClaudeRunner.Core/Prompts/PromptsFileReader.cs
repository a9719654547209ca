using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// Reads the prompts format (<c>{"defaults": {…}, "prompts": ["…", {…}]}</c>) from a file or JSON text into a
/// <see cref="PromptCollector"/>: positions for every error, options through the option table.
/// </summary>
internal sealed class PromptsFileReader(PromptCollector collector)
{
    private static readonly string[] PromptFileProperties = ["$schema", "defaults", "prompts"];

    // What only a prompt object has: what it says and which files it is about; everything else is an option.
    private static readonly string[] PromptFields = ["id", "prompt", "foreach", "changedSince"];

    private readonly PromptCollector _collector = collector;

    /// <summary>Reads a prompts file; relative working directories resolve against its directory.</summary>
    public void ReadFile(string path, PromptOptions runDefaults)
    {
        // Opening a directory fails with "Access denied", which sends the user looking at permissions.
        if (Directory.Exists(path))
        {
            _collector.Errors.Add(new InputError($"'{path}' is a directory, not a prompts file.", new SourceLocation(path)));
            return;
        }

        byte[] bytes;
        try
        {
            bytes = ReadCapped(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _collector.Errors.Add(new InputError(ex is FileNotFoundException or DirectoryNotFoundException
                ? "The prompts file does not exist."
                : $"The prompts file cannot be read: {ex.Message}", new SourceLocation(path)));
            return;
        }

        if (bytes.Length > PositionedJson.MaxInputBytes)
        {
            _collector.Errors.Add(new InputError($"The prompts file is larger than {PositionedJson.MaxInputBytes / (1024 * 1024)} MiB: is it really a prompts file?", new SourceLocation(path)));
            return;
        }

        ReadJson(bytes, path, Path.GetDirectoryName(path)!, runDefaults);
    }

    /// <summary>The file's bytes, but at most one more than the limit: /dev/zero or a growing file must not fill the memory.</summary>
    private static byte[] ReadCapped(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var bytes = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (bytes.Length <= PositionedJson.MaxInputBytes && stream.Read(buffer, 0, buffer.Length) is var read and > 0)
        {
            bytes.Write(buffer, 0, read);
        }

        return bytes.ToArray();
    }

    /// <summary>Reads prompts JSON named <paramref name="name"/> in errors; relative working directories resolve against <paramref name="directory"/>.</summary>
    public void ReadJson(byte[] utf8, string name, string directory, PromptOptions runDefaults)
    {
        // A UTF-8 byte order mark is common in files written on Windows; the JSON reader rejects it.
        if (utf8.AsSpan().StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (PositionedJson.Parse(utf8, name, _collector.Errors) is not { } root)
        {
            return;
        }

        if (root is not JsonObjectNode file)
        {
            _collector.Errors.Add(new InputError("Expected a JSON object with a \"prompts\" array, like {\"prompts\": [\"…\"]}.", root.Location));
            return;
        }

        var members = UniqueMembers(file, "property");
        foreach (var member in file.Members.Where(m => !PromptFileProperties.Contains(m.Name, StringComparer.Ordinal)))
        {
            _collector.Errors.Add(new InputError($"Unknown property '{member.Name}': a prompts file has {string.Join(", ", PromptFileProperties.Skip(1).Select(p => $"'{p}'"))}.", member.NameLocation));
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
                _collector.Errors.Add(new InputError("\"defaults\" must be an object of prompt options.", defaultsNode.Location));
            }
        }

        if (!members.TryGetValue("prompts", out var promptsNode))
        {
            _collector.Errors.Add(new InputError("The \"prompts\" array is missing.", file.Location));
            return;
        }

        if (promptsNode is not JsonArrayNode prompts)
        {
            _collector.Errors.Add(new InputError("\"prompts\" must be an array of strings or objects.", promptsNode.Location));
            return;
        }

        foreach (var item in prompts.Items)
        {
            switch (item)
            {
                case JsonScalarNode { Kind: JsonValueKind.String, Text: var text }:
                    _collector.Add(new PromptEntry(null, text!, defaults, item.Location, directory));
                    break;
                case JsonObjectNode prompt:
                    ReadPromptObject(prompt, defaults, directory);
                    break;
                default:
                    _collector.Errors.Add(new InputError($"A prompt must be a string or an object, not {item.Describe()}.", item.Location));
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
            _collector.Errors.Add(new InputError("The prompt object has no \"prompt\" text.", prompt.Location));
            return;
        }

        var foreachGlobs = members.TryGetValue("foreach", out var foreachNode) ? ExpectGlobs(foreachNode) : null;
        var changedSince = members.TryGetValue("changedSince", out var changedSinceNode) ? ExpectString(changedSinceNode, "changedSince") : null;
        if (ExpectString(textNode, "prompt") is { } text)
        {
            _collector.Add(new PromptEntry(id, text, options.Over(defaults), textNode.Location, directory)
            {
                IdLocation = idNode?.Location,
                Foreach = foreachGlobs,
                ChangedSince = changedSince,
            });
        }
    }

    /// <summary>A glob or an array of globs.</summary>
    private string[]? ExpectGlobs(JsonNode value)
    {
        switch (value)
        {
            case JsonScalarNode { Kind: JsonValueKind.String, Text: { } glob }:
                return [glob];
            case JsonArrayNode { Items.Count: > 0 } array when array.Items.All(item => item is JsonScalarNode { Kind: JsonValueKind.String }):
                return [.. array.Items.Cast<JsonScalarNode>().Select(item => item.Text!)];
            default:
                _collector.Errors.Add(new InputError($"\"foreach\" must be a glob or a non-empty array of globs, not {value.Describe()}.", value.Location));
                return null;
        }
    }

    private PromptOptions ReadOptions(JsonObjectNode node, string directory, bool allowPromptFields)
    {
        var options = PromptOptions.None;
        foreach (var member in node.Members)
        {
            if (allowPromptFields && PromptFields.Contains(member.Name, StringComparer.Ordinal))
            {
                continue;
            }

            if (RunOptions.ForFileKey(member.Name) is not { } option)
            {
                _collector.Errors.Add(new InputError($"Unknown option '{member.Name}'. Known options: {string.Join(", ", KnownOptions(allowPromptFields))}.", member.NameLocation));
                continue;
            }

            if (option.Kind.ReadJson(member.Value) is not { } value)
            {
                var culprit = option.Kind.Culprit(member.Value);
                _collector.Errors.Add(new InputError($"\"{member.Name}\" {option.Kind.Rule}, not {culprit.Describe()}.", culprit.Location));
                continue;
            }

            options = option.Apply(options, value);
        }

        // Relative to this file, whatever the working directory of the defaults below it.
        return options.WithPathsFrom(directory);
    }

    /// <summary>The keys a prompt object (or, without the prompt's own fields, <c>defaults</c>) may have.</summary>
    internal static IEnumerable<string> KnownOptions(bool withPromptFields) =>
        (withPromptFields ? PromptFields : []).Concat(RunOptions.FileKeys);

    private Dictionary<string, JsonNode> UniqueMembers(JsonObjectNode node, string what)
    {
        var members = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var member in node.Members)
        {
            if (!members.TryAdd(member.Name, member.Value))
            {
                _collector.Errors.Add(new InputError($"The {what} '{member.Name}' appears twice.", member.NameLocation));
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
                _collector.Errors.Add(new InputError($"\"{name}\" must not be empty.", value.Location));
                return null;
            }

            return text;
        }

        _collector.Errors.Add(new InputError($"\"{name}\" must be a string, not {value.Describe()}.", value.Location));
        return null;
    }
}
