namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// What <see cref="MockAnthropicApi"/> answers to one <c>POST /v1/messages</c> request.
/// A <see cref="MockBehaviour"/> picks one per request. Every kind honours <see cref="Delay"/>
/// (a wait before anything is sent, cancelled when the client goes away or the mock stops).
/// </summary>
public abstract record MockResponse
{
    /// <summary>Wait this long before answering (before the status line and headers).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// An event to wait for before <see cref="Delay"/> starts (e.g. <see cref="MockWaves.JoinAsync"/>), given the
    /// request's cancellation (the client went away or the mock stops); none by default.
    /// </summary>
    public Func<CancellationToken, Task>? WaitFor { get; init; }

    /// <summary>A normal assistant message with one text block, <c>stop_reason: "end_turn"</c>.</summary>
    public static MockTextResponse Reply(string text) => new(text);

    /// <summary>
    /// An assistant message that calls a tool, <c>stop_reason: "tool_use"</c>. The CLI runs the
    /// tool and sends another request that carries the <c>tool_result</c>.
    /// </summary>
    /// <param name="toolName">A tool the CLI offers, e.g. <c>Bash</c>.</param>
    /// <param name="inputJson">The tool input as a JSON object, e.g. <c>{"command":"echo hi"}</c>.</param>
    public static MockToolUseResponse ToolUse(string toolName, string inputJson) => new(toolName, inputJson);

    /// <summary>A <c>Bash</c> tool call running <paramref name="command"/>.</summary>
    public static MockToolUseResponse Bash(string command = "echo hi") =>
        new("Bash", System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["command"] = command,
            ["description"] = "Run a command for the mock",
        }));

    /// <summary>
    /// An HTTP error with an Anthropic error body
    /// <c>{"type":"error","error":{"type":errorType,"message":message}}</c>.
    /// </summary>
    /// <param name="status">HTTP status, e.g. 401, 429, 500, 529.</param>
    /// <param name="errorType">Anthropic error type; defaults from the status (see <see cref="MockErrorResponse.DefaultErrorType"/>).</param>
    /// <param name="message">Error message; defaults to a text naming the mock.</param>
    /// <param name="retryAfter">When set, a <c>retry-after</c> header in whole seconds (rounded up). The CLI honours values of 1 s and more; <c>0</c> is ignored.</param>
    public static MockErrorResponse Error(int status, string? errorType = null, string? message = null, TimeSpan? retryAfter = null) =>
        new(status, errorType ?? MockErrorResponse.DefaultErrorType(status), message ?? $"mock {status} error", retryAfter);

    /// <summary>Never answer: hold the request until the client disconnects or the mock stops.</summary>
    /// <param name="afterHeaders">
    /// <see langword="false"/>: send nothing at all. <see langword="true"/>: send <c>200</c>, the SSE
    /// headers and <c>message_start</c>, then stall (a streaming request only).
    /// </param>
    public static MockHangResponse Hang(bool afterHeaders = false) => new(afterHeaders);

    /// <summary>
    /// Drop the connection: at once (<paramref name="afterMessageStart"/> false: the client sees a
    /// connection error), or after <c>200</c>, the SSE headers and <c>message_start</c> (streaming
    /// requests; a non-streaming request is dropped at once).
    /// </summary>
    public static MockDisconnectResponse Disconnect(bool afterMessageStart = false) => new(afterMessageStart);

    /// <summary>
    /// Streaming: <c>200</c>, <c>message_start</c>, then an SSE <c>error</c> event and the end of the
    /// stream. Non-streaming: HTTP 529 with the same error body.
    /// </summary>
    /// <remarks>
    /// Measured on 2.1.331: with <c>api_error</c> (the default) the CLI at once sends the request again
    /// with <c>"stream": false</c>; with <c>overloaded_error</c> it retries with streaming after its
    /// usual backoff, without an <c>api_retry</c> line.
    /// </remarks>
    public static MockStreamErrorResponse StreamError(string errorType = "api_error", string message = "Internal server error") =>
        new(errorType, message);
}

/// <summary>An assistant text message (<c>stop_reason: "end_turn"</c>).</summary>
/// <param name="Text">The text; streamed in several <c>text_delta</c> chunks.</param>
public sealed record MockTextResponse(string Text) : MockResponse;

/// <summary>An assistant <c>tool_use</c> message (<c>stop_reason: "tool_use"</c>).</summary>
/// <param name="ToolName">The tool to call.</param>
/// <param name="InputJson">The tool input (a JSON object), streamed as <c>input_json_delta</c> chunks.</param>
public sealed record MockToolUseResponse(string ToolName, string InputJson) : MockResponse
{
    /// <summary>Optional text block before the tool call (like a model that explains what it does).</summary>
    public string? LeadingText { get; init; }
}

/// <summary>An HTTP error response with an Anthropic error body.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="ErrorType">The <c>error.type</c> field.</param>
/// <param name="Message">The <c>error.message</c> field.</param>
/// <param name="RetryAfter">Value of the <c>retry-after</c> header, if any (whole seconds, rounded up).</param>
public sealed record MockErrorResponse(int Status, string ErrorType, string Message, TimeSpan? RetryAfter) : MockResponse
{
    /// <summary>Extra response headers, e.g. <c>x-should-retry</c> or <c>anthropic-ratelimit-unified-status</c>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The Anthropic error type for an HTTP status.</summary>
    public static string DefaultErrorType(int status) => status switch
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

/// <summary>Hold the request open without answering (see <see cref="MockResponse.Hang"/>).</summary>
/// <param name="AfterHeaders">Stall after the SSE headers and <c>message_start</c> instead of before the status line.</param>
public sealed record MockHangResponse(bool AfterHeaders) : MockResponse;

/// <summary>Drop the connection (see <see cref="MockResponse.Disconnect"/>).</summary>
/// <param name="AfterMessageStart">Drop it after the SSE headers and <c>message_start</c> instead of at once.</param>
public sealed record MockDisconnectResponse(bool AfterMessageStart) : MockResponse;

/// <summary>An SSE <c>error</c> event after <c>message_start</c> (see <see cref="MockResponse.StreamError"/>).</summary>
/// <param name="ErrorType">The <c>error.type</c> field.</param>
/// <param name="Message">The <c>error.message</c> field.</param>
public sealed record MockStreamErrorResponse(string ErrorType, string Message) : MockResponse;
