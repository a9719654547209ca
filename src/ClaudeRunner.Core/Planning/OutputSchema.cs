using System.Text;
using System.Text.Json;
using Json.Schema;
using JsonTree = System.Text.Json.Nodes;

namespace ClaudeRunner;

/// <summary>
/// The JSON Schema a prompt's answer must follow (<c>outputSchema</c>, or the findings schema): the argument claude's
/// <c>--json-schema</c> gets, and the check of what came back. claude validates the answer itself, but the engine
/// checks it again, so a CLI that stopped validating could not slip bad data into a build. claude 2.1.331 validates only
/// object roots (docs/claude-cli.md, "Structured output"): any other root is wrapped as the property <c>value</c> of an
/// object, and unwrapped again in our results.
/// </summary>
internal sealed class OutputSchema
{
    /// <summary>How schemas are read: comments and trailing commas allowed, as in prompts files.</summary>
    public static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private const string WrapProperty = "value";

    // Linux refuses an argument of 128 KiB or more (E2BIG, docs/claude-cli.md "Input"): the schema is one argument.
    private const int MaxArgumentBytes = 128 * 1024 - 1;

    private const int MaxFileBytes = 1024 * 1024;

    private readonly JsonSchema _schema;

    /// <param name="json">A schema that <see cref="Load"/> accepted.</param>
    public OutputSchema(string json)
    {
        _schema = JsonSchema.FromText(json);
        using var document = JsonDocument.Parse(json, ReadOptions);
        Wraps = !(document.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "object");
        Argument = Wraps
            ? $"{{\"type\":\"object\",\"properties\":{{\"{WrapProperty}\":{json}}},\"required\":[\"{WrapProperty}\"],\"additionalProperties\":false}}"
            : json;
    }

    /// <summary>Whether the schema's root is not an object, so claude gets it wrapped.</summary>
    public bool Wraps { get; }

    /// <summary>What <c>--json-schema</c> gets: the schema, or the object that wraps it.</summary>
    public string Argument { get; }

    /// <summary>Whether an option's text is the schema itself rather than the path of a schema file.</summary>
    public static bool IsInline(string text) => text.TrimStart().StartsWith('{');

    /// <summary>
    /// The schema of an <c>outputSchema</c> value as compact JSON: the value itself, or the content of the file it names
    /// (relative to <paramref name="directory"/>). Null, with the errors added, when it is not a usable JSON Schema.
    /// </summary>
    public static string? Load(string value, string directory, SourceLocation location, ICollection<InputError> errors)
    {
        string text;
        SourceLocation where;
        if (IsInline(value))
        {
            (text, where) = (value, location);
        }
        else
        {
            var path = Path.GetFullPath(value, directory);
            where = new SourceLocation(path, 1, 1);
            if (ReadFile(path, out var problem) is not { } bytes)
            {
                errors.Add(new InputError($"\"outputSchema\": {problem}", location));
                return null;
            }

            // Parsed with positions first, so invalid JSON is an error at its line and column in the schema file.
            var problems = new List<InputError>();
            if (PositionedJson.Parse(bytes, path, problems) is not JsonObjectNode schemaObject)
            {
                errors.Add(problems.Count > 0 ? problems[0] with { Message = $"The schema file is not a JSON Schema: {problems[0].Message}" } : new InputError("A JSON Schema must be an object.", where));
                return null;
            }

            text = PositionedJson.ToJsonText(schemaObject);
        }

        var compact = JsonTree.JsonNode.Parse(text, documentOptions: ReadOptions)!.ToJsonString();
        if (Problem(compact) is { } unusable)
        {
            errors.Add(new InputError($"\"outputSchema\" is not a usable JSON Schema: {unusable}", where));
            return null;
        }

        return compact;
    }

    /// <summary>The received structured output unwrapped, or why it is not what the schema asked for.</summary>
    /// <param name="received">claude's <c>structured_output</c>; null when its result had none.</param>
    /// <param name="answer">claude's text answer, to say what came instead.</param>
    public (JsonElement? Output, string? Problem) Check(JsonElement? received, string? answer)
    {
        if (received is not { } output)
        {
            var text = answer is { Length: > 0 } ? $" It answered: {Verdict.Shorten(answer)}" : string.Empty;
            return (null, $"claude succeeded but returned no structured output (the model answered in text).{text}");
        }

        if (Wraps)
        {
            if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty(WrapProperty, out var inner))
            {
                return (null, $"The structured output lacks the wrapping object's \"{WrapProperty}\".");
            }

            output = inner;
        }

        var results = _schema.Evaluate(JsonTree.JsonNode.Parse(output.GetRawText()), new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid ? (output.Clone(), null) : (null, $"The structured output does not follow the schema: {FirstError(results)}");
    }

    /// <summary>Why <paramref name="json"/> cannot be a schema for claude, or null.</summary>
    private static string? Problem(string json)
    {
        if (Encoding.UTF8.GetByteCount(json) > MaxArgumentBytes)
        {
            return "it is 128 KiB or longer, and claude takes it as one command-line argument, which Linux limits to less.";
        }

        var node = JsonTree.JsonNode.Parse(json);
        if (node is not JsonTree.JsonObject)
        {
            return "it must be an object.";
        }

        var meta = MetaSchemas.Draft202012.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!meta.IsValid)
        {
            return FirstError(meta);
        }

        try
        {
            _ = JsonSchema.FromText(json);
            return null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    private static string FirstError(EvaluationResults results) =>
        results.Details.Prepend(results)
            .Where(detail => detail.HasErrors)
            .Select(detail => $"at '{detail.InstanceLocation}': {detail.Errors!.Values.First()}")
            .FirstOrDefault() ?? "it is invalid.";

    private static byte[]? ReadFile(string path, out string problem)
    {
        problem = $"the schema file '{path}' does not exist.";
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            problem = $"the schema file '{path}' is larger than {MaxFileBytes / 1024} KiB.";
            return new FileInfo(path).Length > MaxFileBytes ? null : File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"the schema file '{path}' cannot be read: {ex.Message}";
            return null;
        }
    }
}
