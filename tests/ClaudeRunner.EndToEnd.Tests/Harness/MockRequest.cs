using System.Text.Json;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>One HTTP request received by <see cref="MockAnthropicApi"/>, with what the mock answered.</summary>
public sealed class MockRequest
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _endedAt;
    private string _outcome = "in flight";
    private int? _status;
    private bool _aborted;

    internal MockRequest(int sequence, string method, string path, string query, DateTimeOffset arrivedAt,
        IReadOnlyDictionary<string, string> headers, string body)
    {
        Sequence = sequence;
        Method = method;
        Path = path;
        Query = query;
        ArrivedAt = arrivedAt;
        Headers = headers;
        Body = body;
        IsMessages = method == "POST" && path == "/v1/messages";
        if (IsMessages)
        {
            ParseMessagesBody(body);
        }
    }

    /// <summary>1 for the first request the mock received, then 2, 3, …</summary>
    public int Sequence { get; }

    /// <summary>HTTP method.</summary>
    public string Method { get; }

    /// <summary>Path without the query, e.g. <c>/v1/messages</c>.</summary>
    public string Path { get; }

    /// <summary>Query string including <c>?</c>, e.g. <c>?beta=true</c>, or empty.</summary>
    public string Query { get; }

    /// <summary>Request headers (names as sent; look-ups are case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Raw request body (UTF-8).</summary>
    public string Body { get; }

    /// <summary>When the request arrived (before its body was read).</summary>
    public DateTimeOffset ArrivedAt { get; }

    /// <summary>When the response was complete or the request was aborted; <see langword="null"/> while in flight.</summary>
    public DateTimeOffset? EndedAt { get { lock (_gate) { return _endedAt; } } }

    /// <summary>Whether the mock is still working on it.</summary>
    public bool InFlight => EndedAt is null;

    /// <summary>
    /// What the mock did: <c>text</c>, <c>tool_use</c>, <c>error 429</c>, <c>hang</c>,
    /// <c>stream_error</c>, <c>disconnect</c>, <c>hello</c>,
    /// <c>count_tokens</c>, <c>not found</c>, <c>bad request</c>, or <c>in flight</c>.
    /// </summary>
    public string Outcome { get { lock (_gate) { return _outcome; } } }

    /// <summary>
    /// Whether the exchange ended by dropping the connection: the client went away (e.g. the claude
    /// process was killed or timed out) or the mock stopped while answering.
    /// </summary>
    public bool Aborted { get { lock (_gate) { return _aborted; } } }

    /// <summary>The HTTP status the mock sent, or <see langword="null"/> when it sent none.</summary>
    public int? Status { get { lock (_gate) { return _status; } } }

    /// <summary>Whether it is <c>POST /v1/messages</c> (any query): a conversation turn.</summary>
    public bool IsMessages { get; }

    /// <summary>The user's prompt: the last text block of the first user message (messages requests only).</summary>
    public string? Prompt { get; private set; }

    /// <summary>
    /// Every text the user side of the conversation holds, joined: where markers are looked for, so a conversation
    /// that claude resumed (its first prompt and the "continue" merged into one message) still finds its behaviour.
    /// </summary>
    public string UserText { get; private set; } = string.Empty;

    /// <summary>The <c>model</c> field (messages requests only).</summary>
    public string? Model { get; private set; }

    /// <summary>The <c>stream</c> field (<see langword="false"/> when absent).</summary>
    public bool Stream { get; private set; }

    /// <summary>Number of entries in <c>messages</c>.</summary>
    public int MessageCount { get; private set; }

    /// <summary>Number of entries in <c>tools</c>.</summary>
    public int ToolCount { get; private set; }

    /// <summary>Number of <c>tool_result</c> blocks in all messages (0 on the first turn).</summary>
    public int ToolResultCount { get; private set; }

    /// <summary>The marker of the <see cref="MockAnthropicApi.When"/> registration that answered it; <see langword="null"/> for the default behaviour.</summary>
    public string? Marker { get; internal set; }

    /// <summary>The CLI's session id (header <c>X-Claude-Code-Session-Id</c>); one per claude process.</summary>
    public string? SessionId => Headers.GetValueOrDefault("X-Claude-Code-Session-Id");

    /// <summary>Parse error of the body, if it was not the JSON the mock expects.</summary>
    public string? ParseError { get; private set; }

    /// <inheritdoc />
    public override string ToString()
    {
        var end = EndedAt is { } e ? $"{(e - ArrivedAt).TotalMilliseconds:0} ms" : "in flight";
        var prompt = Prompt is null ? "" : $" prompt='{Shorten(Prompt, 60)}' ({Prompt.Length} chars)";
        return $"#{Sequence} {Method} {Path}{Query} stream={Stream}{prompt} marker={Marker ?? "-"} -> {Outcome}{(Aborted ? " (aborted)" : "")} [{end}]";
    }

    internal void Complete()
    {
        lock (_gate)
        {
            _endedAt ??= DateTimeOffset.UtcNow;
        }
    }

    internal void MarkAborted()
    {
        lock (_gate)
        {
            _aborted = true;
        }
    }

    internal void SetOutcome(string outcome, int? status)
    {
        lock (_gate)
        {
            _outcome = outcome;
            _status = status;
        }
    }

    private static string Shorten(string text, int max) =>
        (text.Length <= max ? text : text[..max] + "…").ReplaceLineEndings(" ");

    private void ParseMessagesBody(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            Model = root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
            ToolCount = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array ? tools.GetArrayLength() : 0;
            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                ParseError = "no messages array";
                return;
            }

            MessageCount = messages.GetArrayLength();
            var userTexts = new List<string>();
            foreach (var message in messages.EnumerateArray())
            {
                var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
                if (!message.TryGetProperty("content", out var content))
                {
                    continue;
                }

                if (content.ValueKind == JsonValueKind.String)
                {
                    if (role == "user")
                    {
                        Prompt ??= content.GetString();
                        userTexts.Add(content.GetString() ?? string.Empty);
                    }

                    continue;
                }

                if (content.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                string? lastText = null;
                foreach (var block in content.EnumerateArray())
                {
                    var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type == "text" && block.TryGetProperty("text", out var text))
                    {
                        lastText = text.GetString();
                        if (role == "user")
                        {
                            userTexts.Add(lastText ?? string.Empty);
                        }
                    }
                    else if (type == "tool_result")
                    {
                        ToolResultCount++;
                    }
                }

                if (role == "user" && Prompt is null && lastText is not null)
                {
                    Prompt = lastText;
                }
            }

            UserText = string.Join('\n', userTexts);
        }
        catch (JsonException ex)
        {
            ParseError = ex.Message;
        }
    }
}
