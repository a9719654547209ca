using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// Recorded successes, one small file per key (<c>&lt;dir&gt;/&lt;2 hex&gt;/&lt;key&gt;.json</c>) plus each prompt id's latest
/// success (<c>ids/&lt;id&gt;.json</c>, to say what changed since). Files are written whole and renamed into place, so two
/// runs sharing the directory (two CI jobs restoring one cache, two builds at once) never see half a record; a file
/// that does not read is ignored with a warning. Failures are never recorded: the next run runs what did not succeed.
/// </summary>
internal sealed class ResultCache(string directory)
{
    private Action? _withFirstRecord;

    /// <summary>The directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>The success recorded under <paramref name="key"/>, or null.</summary>
    public RecordedSuccess? Find(string key, ICollection<InputError> warnings) => Read(KeyPath(key), warnings);

    /// <summary>The latest success of the prompt <paramref name="id"/>, whatever its key, or null.</summary>
    public RecordedSuccess? Latest(string id, ICollection<InputError> warnings) => Read(IdPath(id), warnings);

    /// <summary>
    /// Something to write with the first recorded success and not before: planning writes nothing, and a run that is
    /// refused or has no success leaves the cache as it was.
    /// </summary>
    public void WriteWithFirstRecord(Action write) => _withFirstRecord = write;

    /// <summary>Records a success under its key and as its id's latest.</summary>
    public void Record(RecordedSuccess success)
    {
        Interlocked.Exchange(ref _withFirstRecord, null)?.Invoke();
        OwnerOnlyFile.WriteAtomically(KeyPath(success.Key), stream => Write(stream, success));
        OwnerOnlyFile.WriteAtomically(IdPath(success.Id), stream => Write(stream, success));
    }

    private string KeyPath(string key) => Path.Combine(Directory, key[..2], key + ".json");

    private string IdPath(string id) => Path.Combine(Directory, "ids", id + ".json");

    private static RecordedSuccess? Read(string path, ICollection<InputError> warnings)
    {
        // No record is the usual case on a first run: asked first rather than thrown for (a throw is dear under Native AOT).
        if (!Path.Exists(path))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add(new InputError($"The cache file cannot be read and is ignored: {ex.Message}", new SourceLocation(path)));
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            return new RecordedSuccess
            {
                Key = root.GetProperty("key").GetString()!,
                Id = root.GetProperty("id").GetString()!,
                Succeeded = root.GetProperty("succeeded").GetDateTimeOffset(),
                RunStart = root.GetProperty("runStart").GetDateTimeOffset(),
                CostUsd = root.GetProperty("costUsd").GetDecimal(),
                DurationMs = root.GetProperty("durationMs").GetInt64(),
                SessionId = root.GetProperty("sessionId").GetString(),
                ResultText = root.GetProperty("result").GetString(),
                // Absent in records of prompts without structured output.
                Output = root.TryGetProperty("output", out var output) ? output.Clone() : null,
                Parts = root.GetProperty("parts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            warnings.Add(new InputError($"The cache file is damaged and is ignored (the prompt runs again): {ex.Message}", new SourceLocation(path)));
            return null;
        }
    }

    private static void Write(Stream stream, RecordedSuccess success)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("key", success.Key);
        json.WriteString("id", success.Id);
        json.WriteString("succeeded", success.Succeeded);
        json.WriteString("runStart", success.RunStart);
        json.WriteNumber("costUsd", success.CostUsd);
        json.WriteNumber("durationMs", success.DurationMs);
        json.WriteString("sessionId", success.SessionId);
        json.WriteString("result", success.ResultText);
        if (success.Output is { } output)
        {
            json.WritePropertyName("output");
            output.WriteTo(json);
        }

        json.WriteStartObject("parts");
        foreach (var (name, digest) in success.Parts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json.WriteString(name, digest);
        }

        json.WriteEndObject();
        json.WriteString("format", "claude-runner-cache/1");
        json.WriteEndObject();
    }
}
