using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FakeClaude;

/// <summary>
/// Writes the JSON lines of <c>--output-format stream-json</c> to stdout, one object per line,
/// flushed per line so a reader sees each line as soon as the real CLI would print it.
/// </summary>
internal sealed class StreamJson(Stream stdout, string sessionId, string model)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = NodeJsonEncoder.Instance };

    private readonly ArrayBufferWriter<byte> buffer = new(64 * 1024);

    public string SessionId => sessionId;

    public string Model => model;

    /// <summary>Writes one JSON object and a newline; <paramref name="flush"/> false batches bulk output.</summary>
    public void Line(Action<Utf8JsonWriter> body, bool flush = true)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        stdout.Write(buffer.WrittenSpan);
        stdout.WriteByte((byte)'\n');
        if (flush)
        {
            stdout.Flush();
        }
    }

    public void Init(string cwd, IReadOnlyList<string> tools, string permissionMode) => Line(w =>
    {
        w.WriteString("type", "system");
        w.WriteString("subtype", "init");
        w.WriteString("session_id", sessionId);
        w.WriteString("model", model);
        w.WriteString("cwd", cwd);
        w.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            w.WriteStringValue(tool);
        }

        w.WriteEndArray();
        w.WriteStartArray("mcp_servers");
        w.WriteEndArray();
        w.WriteString("permissionMode", permissionMode);
        w.WriteString("apiKeySource", Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY") is null ? "none" : "ANTHROPIC_API_KEY");
        w.WriteString("claude_code_version", Program.ClaudeVersion);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    public void Assistant(string text, bool flush = true) => Line(w => AssistantBody(w, text), flush);

    /// <summary>
    /// One assistant line whose text is <paramref name="bytes"/> bytes of ASCII, streamed without
    /// building the string: the "one enormous line" fault.
    /// </summary>
    public void HugeAssistant(long bytes)
    {
        const string Marker = "@@FAKE-BULK@@";
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            AssistantBody(writer, Marker);
            writer.WriteEndObject();
        }

        // Split the serialized line at the marker and pour the bulk in between.
        var json = buffer.WrittenSpan.ToArray();
        var marker = Encoding.ASCII.GetBytes(Marker);
        var at = json.AsSpan().IndexOf(marker);
        stdout.Write(json, 0, at);
        var chunk = Bulk(64 * 1024);
        for (var left = bytes; left > 0; left -= chunk.Length)
        {
            stdout.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
        }

        stdout.Write(json, at + marker.Length, json.Length - at - marker.Length);
        stdout.WriteByte((byte)'\n');
        stdout.Flush();
    }

    /// <summary>Printable ASCII that needs no JSON escaping.</summary>
    public static byte[] Bulk(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = i % 64 == 63 ? (byte)' ' : (byte)('a' + (i % 26));
        }

        return bytes;
    }

    private void AssistantBody(Utf8JsonWriter w, string text)
    {
        w.WriteString("type", "assistant");
        w.WriteStartObject("message");
        w.WriteString("id", "msg_fake_" + Guid.NewGuid().ToString("N"));
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        w.WriteEndObject();
        w.WriteNull("parent_tool_use_id");
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    }

    /// <summary>The account's usage status a subscription login reports after each response.</summary>
    public void RateLimitEvent(string status) => Line(w =>
    {
        w.WriteString("type", "rate_limit_event");
        w.WriteStartObject("rate_limit_info");
        w.WriteString("status", status);
        w.WriteNumber("utilization", status == "allowed" ? 0.2 : 0.95);
        w.WriteNumber("resetsAt", 1764620000);
        w.WriteString("rateLimitType", "five_hour");
        w.WriteEndObject();
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    /// <summary>The retry notice the CLI prints before giving up on an API error.</summary>
    public void ApiRetry(int status, int attempt = 1, int maxRetries = 10, int retryDelayMs = 1243) => Line(w =>
    {
        w.WriteString("type", "system");
        w.WriteString("subtype", "api_retry");
        w.WriteNumber("attempt", attempt);
        w.WriteNumber("max_retries", maxRetries);
        w.WriteNumber("retry_delay_ms", retryDelayMs);
        w.WriteNumber("error_status", status);
        w.WriteString("error", status switch
        {
            401 => "authentication_failed",
            403 => "permission_denied",
            429 => "rate_limit",
            529 => "overloaded",
            >= 500 => "server_error",
            _ => "unknown",
        });
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    /// <summary>The final <c>result</c> object (also the whole output of <c>--output-format json</c>).</summary>
    public void Result(ResultData r) => Line(w =>
    {
        w.WriteString("type", "result");
        w.WriteString("subtype", r.Subtype);
        w.WriteBoolean("is_error", r.IsError);
        w.WriteNumber("duration_ms", r.DurationMs);
        w.WriteNumber("duration_api_ms", r.DurationApiMs);
        w.WriteNumber("num_turns", r.Turns);
        if (r.Errors is null)
        {
            w.WriteString("result", r.Text);
        }

        if (r.StructuredOutput is { } structured)
        {
            w.WritePropertyName("structured_output");
            w.WriteRawValue(structured);
        }

        w.WriteString("session_id", sessionId);
        w.WriteNumber("total_cost_usd", r.Cost);
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", r.InputTokens);
        w.WriteNumber("output_tokens", r.OutputTokens);
        w.WriteNumber("cache_creation_input_tokens", 0);
        w.WriteNumber("cache_read_input_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("modelUsage");
        w.WriteStartObject(model);
        w.WriteNumber("inputTokens", r.InputTokens);
        w.WriteNumber("outputTokens", r.OutputTokens);
        w.WriteNumber("cacheReadInputTokens", 0);
        w.WriteNumber("cacheCreationInputTokens", 0);
        w.WriteNumber("costUSD", r.Cost);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("permission_denials");
        w.WriteEndArray();
        if (r.ApiErrorStatus is { } status)
        {
            w.WriteNumber("api_error_status", status);
            w.WriteString("api_error_type", ApiErrorType(status));
        }
        else if (r.Errors is null)
        {
            // The real CLI writes an explicit null on success (subtype "success"); error subtypes omit the key.
            w.WriteNull("api_error_status");
        }

        if (r.Errors is { } errors)
        {
            w.WriteStartArray("errors");
            foreach (var error in errors)
            {
                w.WriteStringValue(error);
            }

            w.WriteEndArray();
        }

        w.WriteString("uuid", Guid.NewGuid().ToString());
    });

    public static string ApiErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
}

/// <summary>The fields of a <c>result</c> object; <see cref="Errors"/> non-null means an error subtype (no <c>result</c> text).</summary>
internal sealed record ResultData(
    string Subtype,
    bool IsError,
    string Text,
    IReadOnlyList<string>? Errors,
    long DurationMs,
    long DurationApiMs,
    int Turns,
    decimal Cost,
    long InputTokens,
    long OutputTokens,
    int? ApiErrorStatus)
{
    /// <summary>The top-level <c>structured_output</c> (JSON text) of a run with <c>--json-schema</c> that got one; null otherwise.</summary>
    public string? StructuredOutput { get; init; }
}
