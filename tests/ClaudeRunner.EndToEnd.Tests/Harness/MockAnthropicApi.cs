using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// An in-process mock of the Anthropic Messages API (Kestrel on 127.0.0.1, a free port) that the
/// real Claude Code CLI talks to when <c>ANTHROPIC_BASE_URL</c> points at <see cref="BaseUrl"/>
/// (see <see cref="ClaudeEnvironment"/>).
/// </summary>
/// <remarks>
/// <para>Endpoints:</para>
/// <list type="bullet">
/// <item><c>POST /v1/messages</c> (the CLI adds <c>?beta=true</c>): answered by the behaviour registered
/// for a marker contained in the request's prompt (<see cref="When"/>), else by
/// <see cref="DefaultBehaviour"/>. SSE when the body has <c>"stream": true</c>, a JSON message otherwise.</item>
/// <item><c>POST /v1/messages/count_tokens</c>: <c>{"input_tokens": InputTokens}</c>.</item>
/// <item><c>HEAD</c>/<c>GET /api/hello</c>: 200 (the CLI's connectivity probe when
/// <c>CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC</c> is not set).</item>
/// <item>Anything else: 404 with an Anthropic <c>not_found_error</c> body (see <see cref="UnexpectedRequests"/>).</item>
/// </list>
/// <para>Every request is recorded in <see cref="Requests"/> with arrival and end times, so tests can
/// assert concurrency (<see cref="MaxConcurrentMessageRequests"/>, <see cref="MaxConcurrentSessions"/>).
/// Usage in every message is <see cref="InputTokens"/> in / <see cref="OutputTokens"/> out.</para>
/// <para>Dispose stops the server promptly: hanging requests are aborted.</para>
/// </remarks>
public sealed class MockAnthropicApi : IAsyncDisposable
{
    /// <summary>What <see cref="DefaultBehaviour"/> replies unless changed.</summary>
    public const string DefaultReplyText = "Hello from the mock Anthropic API.";

    /// <summary><c>usage.input_tokens</c> of every response.</summary>
    public const int InputTokens = 100;

    /// <summary><c>usage.output_tokens</c> of every response.</summary>
    public const int OutputTokens = 20;

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<MockRequest> _requests = [];
    private readonly List<(string Marker, MockBehaviour Behaviour)> _behaviours = [];
    private TaskCompletionSource _changed = NewSignal();
    private MockBehaviour _defaultBehaviour = MockBehaviour.Reply(DefaultReplyText);
    private int _sequence;
    private int _disposed;

    private MockAnthropicApi(WebApplication app) => _app = app;

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234/</c> (<see cref="ClaudeEnvironment"/> passes it without the slash).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The bound port.</summary>
    public int Port => BaseUrl.Port;

    /// <summary>Answers prompts that match no <see cref="When"/> marker. Default: reply <see cref="DefaultReplyText"/>.</summary>
    public MockBehaviour DefaultBehaviour
    {
        get { lock (_gate) { return _defaultBehaviour; } }
        set { ArgumentNullException.ThrowIfNull(value); lock (_gate) { _defaultBehaviour = value; } }
    }

    /// <summary>All requests received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<MockRequest> Requests
    {
        get { lock (_gate) { return [.. _requests]; } }
    }

    /// <summary>The <c>POST /v1/messages</c> requests (conversation turns) so far.</summary>
    public IReadOnlyList<MockRequest> MessageRequests => [.. Requests.Where(r => r.IsMessages)];

    /// <summary>Requests the mock does not implement (answered 404). The pinned CLI sends none.</summary>
    public IReadOnlyList<MockRequest> UnexpectedRequests => [.. Requests.Where(r => r.Outcome == "not found")];

    /// <summary>Starts the mock on 127.0.0.1 with a free port.</summary>
    public static async Task<MockAnthropicApi> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            options.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var mock = new MockAnthropicApi(app);
        app.Run(mock.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        var port = new Uri(address).Port;
        mock.BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        return mock;
    }

    /// <summary>
    /// Answers every prompt that contains <paramref name="marker"/> (ordinal) with <paramref name="behaviour"/>.
    /// The first registration whose marker matches wins. Returns this mock for chaining.
    /// </summary>
    public MockAnthropicApi When(string marker, MockBehaviour behaviour)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        ArgumentNullException.ThrowIfNull(behaviour);
        lock (_gate)
        {
            _behaviours.Add((marker, behaviour));
        }

        return this;
    }

    /// <summary>The messages requests whose prompt contains <paramref name="marker"/>.</summary>
    public IReadOnlyList<MockRequest> RequestsFor(string marker) =>
        [.. MessageRequests.Where(r => r.UserText.Contains(marker, StringComparison.Ordinal))];

    /// <summary>
    /// The largest number of <c>POST /v1/messages</c> requests (optionally only those whose prompt
    /// contains <paramref name="marker"/>) in flight at the same moment.
    /// </summary>
    public int MaxConcurrentMessageRequests(string? marker = null) =>
        MaxConcurrent((marker is null ? MessageRequests : RequestsFor(marker)).Select(r => (r.ArrivedAt, r.EndedAt)));

    /// <summary>
    /// The largest number of claude sessions (processes) active at the same moment, where a session
    /// (header <c>X-Claude-Code-Session-Id</c>) spans from its first request's arrival to its last
    /// request's end. Counts retries and tool round trips of one process as one.
    /// </summary>
    public int MaxConcurrentSessions(string? marker = null) =>
        MaxConcurrent((marker is null ? MessageRequests : RequestsFor(marker))
            .GroupBy(r => r.SessionId ?? $"#{r.Sequence.ToString(CultureInfo.InvariantCulture)}")
            .Select(g => (g.Min(r => r.ArrivedAt), g.Any(r => r.EndedAt is null) ? (DateTimeOffset?)null : g.Max(r => r.EndedAt))));

    /// <summary>The largest number of overlapping intervals; an open interval (no end) lasts until now.</summary>
    public static int MaxConcurrent(IEnumerable<(DateTimeOffset Start, DateTimeOffset? End)> intervals)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        var now = DateTimeOffset.UtcNow;
        var events = new List<(DateTimeOffset At, int Delta)>();
        foreach (var (start, end) in intervals)
        {
            events.Add((start, +1));
            events.Add((end ?? now, -1));
        }

        // An interval that ends exactly when another starts does not overlap it: ends first.
        events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));
        int current = 0, max = 0;
        foreach (var (_, delta) in events)
        {
            current += delta;
            max = Math.Max(max, current);
        }

        return max;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds for this mock (re-checked whenever a request
    /// arrives or ends), or throws <see cref="TimeoutException"/> listing the requests seen.
    /// </summary>
    public async Task WaitUntilAsync(Func<MockAnthropicApi, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (condition(this))
                {
                    return;
                }

                throw new TimeoutException(
                    $"Mock condition not met within {timeout.TotalSeconds:0.#} s. Requests seen:{Environment.NewLine}{Describe()}");
            }
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests matching <paramref name="filter"/>
    /// (default: messages requests) have arrived; returns them.
    /// </summary>
    public async Task<IReadOnlyList<MockRequest>> WaitForRequestsAsync(int count, TimeSpan timeout,
        Func<MockRequest, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        filter ??= r => r.IsMessages;
        await WaitUntilAsync(m => m.Requests.Count(filter) >= count, timeout, cancellationToken).ConfigureAwait(false);
        return [.. Requests.Where(filter)];
    }

    /// <summary>One line per recorded request, for assertion messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, Requests.Select(r => "  " + r));

    /// <summary>Stops the server; hanging and delayed requests are aborted at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel aborts the remaining connections when the token fires.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void NotifyChanged()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrivedAt = DateTimeOffset.UtcNow;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = linked.Token;
        MockRequest? request = null;
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(token).ConfigureAwait(false);
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in context.Request.Headers)
            {
                headers[name] = values.ToString();
            }

            lock (_gate)
            {
                request = new MockRequest(++_sequence, context.Request.Method, context.Request.Path.Value ?? "",
                    context.Request.QueryString.Value ?? "", arrivedAt, headers, body);
                _requests.Add(request);
            }

            NotifyChanged();
            await RouteAsync(context, request, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client went away or the mock is stopping: drop the connection.
            request?.MarkAborted();
            context.Abort();
        }
        catch (IOException)
        {
            request?.MarkAborted();
            context.Abort();
        }
        finally
        {
            request?.Complete();
            NotifyChanged();
        }
    }

    private async Task RouteAsync(HttpContext context, MockRequest request, CancellationToken token)
    {
        switch (request.Method, request.Path)
        {
            case ("POST", "/v1/messages"):
                await HandleMessagesAsync(context, request, token).ConfigureAwait(false);
                break;
            case ("POST", "/v1/messages/count_tokens"):
                request.SetOutcome("count_tokens", 200);
                await WriteJsonAsync(context.Response, 200, new JsonObject { ["input_tokens"] = InputTokens }, token).ConfigureAwait(false);
                break;
            case ("HEAD" or "GET", "/api/hello"):
                request.SetOutcome("hello", 200);
                context.Response.StatusCode = 200;
                break;
            default:
                request.SetOutcome("not found", 404);
                await WriteJsonAsync(context.Response, 404, ErrorBody("not_found_error", $"mock: no route for {request.Method} {request.Path}"), token).ConfigureAwait(false);
                break;
        }
    }

    private async Task HandleMessagesAsync(HttpContext context, MockRequest request, CancellationToken token)
    {
        if (request.ParseError is not null)
        {
            request.SetOutcome("bad request", 400);
            await WriteJsonAsync(context.Response, 400, ErrorBody("invalid_request_error", "mock: " + request.ParseError), token).ConfigureAwait(false);
            return;
        }

        MockBehaviour behaviour;
        lock (_gate)
        {
            behaviour = _defaultBehaviour;
            foreach (var (marker, candidate) in _behaviours)
            {
                if (request.UserText.Contains(marker, StringComparison.Ordinal))
                {
                    behaviour = candidate;
                    request.Marker = marker;
                    break;
                }
            }
        }

        var response = behaviour.Respond(request);
        if (response.WaitFor is { } waitFor)
        {
            await waitFor(token).ConfigureAwait(false);
        }

        if (response.Delay > TimeSpan.Zero)
        {
            await Task.Delay(response.Delay, token).ConfigureAwait(false);
        }

        var http = context.Response;
        var messageId = $"msg_mock_{request.Sequence.ToString(CultureInfo.InvariantCulture)}";
        http.Headers["request-id"] = $"req_mock_{request.Sequence.ToString(CultureInfo.InvariantCulture)}";
        switch (response)
        {
            case MockErrorResponse error:
                request.SetOutcome($"error {error.Status.ToString(CultureInfo.InvariantCulture)}", error.Status);
                if (error.RetryAfter is { } retryAfter)
                {
                    http.Headers["retry-after"] = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                foreach (var (name, value) in error.Headers ?? new Dictionary<string, string>())
                {
                    http.Headers[name] = value;
                }

                await WriteJsonAsync(http, error.Status, ErrorBody(error.ErrorType, error.Message), token).ConfigureAwait(false);
                break;

            case MockHangResponse hang:
                request.SetOutcome("hang", hang.AfterHeaders && request.Stream ? 200 : null);
                if (hang.AfterHeaders && request.Stream)
                {
                    await StartStreamAsync(http, messageId, request, token).ConfigureAwait(false);
                }

                await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
                break;

            case MockDisconnectResponse disconnect:
                request.SetOutcome("disconnect", null);
                if (disconnect.AfterMessageStart && request.Stream)
                {
                    request.SetOutcome("disconnect", 200);
                    await StartStreamAsync(http, messageId, request, token).ConfigureAwait(false);
                }

                request.MarkAborted();
                context.Abort();
                break;

            case MockStreamErrorResponse streamError when request.Stream:
                request.SetOutcome("stream_error", 200);
                await StartStreamAsync(http, messageId, request, token).ConfigureAwait(false);
                await WriteEventAsync(http, "error", ErrorBody(streamError.ErrorType, streamError.Message), token).ConfigureAwait(false);
                break;

            case MockStreamErrorResponse streamError:
                request.SetOutcome("error 529", 529);
                await WriteJsonAsync(http, 529, ErrorBody(streamError.ErrorType, streamError.Message), token).ConfigureAwait(false);
                break;

            case MockTextResponse text:
                request.SetOutcome("text", 200);
                await WriteMessageAsync(http, messageId, request, [new TextBlock(text.Text)], "end_turn", token).ConfigureAwait(false);
                break;

            case MockToolUseResponse toolUse:
                request.SetOutcome("tool_use", 200);
                var blocks = new List<ContentBlock>();
                if (toolUse.LeadingText is { } leading)
                {
                    blocks.Add(new TextBlock(leading));
                }

                blocks.Add(new ToolUseBlock($"toolu_mock_{request.Sequence.ToString(CultureInfo.InvariantCulture)}", toolUse.ToolName, toolUse.InputJson));
                await WriteMessageAsync(http, messageId, request, blocks, "tool_use", token).ConfigureAwait(false);
                break;

            default:
                throw new NotSupportedException($"Unknown mock response {response.GetType().Name}.");
        }
    }

    private static JsonObject ErrorBody(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
    };

    private static JsonObject Usage(int outputTokens) => new()
    {
        ["input_tokens"] = InputTokens,
        ["output_tokens"] = outputTokens,
        ["cache_creation_input_tokens"] = 0,
        ["cache_read_input_tokens"] = 0,
    };

    private static async Task WriteJsonAsync(HttpResponse http, int status, JsonNode body, CancellationToken token)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        http.StatusCode = status;
        http.ContentType = "application/json";
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, token).ConfigureAwait(false);
    }

    private static async Task WriteMessageAsync(HttpResponse http, string messageId, MockRequest request,
        IReadOnlyList<ContentBlock> blocks, string stopReason, CancellationToken token)
    {
        if (!request.Stream)
        {
            var content = new JsonArray();
            foreach (var block in blocks)
            {
                content.Add(block.ToJson(complete: true));
            }

            await WriteJsonAsync(http, 200, new JsonObject
            {
                ["id"] = messageId,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = request.Model,
                ["content"] = content,
                ["stop_reason"] = stopReason,
                ["stop_sequence"] = null,
                ["usage"] = Usage(OutputTokens),
            }, token).ConfigureAwait(false);
            return;
        }

        await StartStreamAsync(http, messageId, request, token).ConfigureAwait(false);
        for (var index = 0; index < blocks.Count; index++)
        {
            var block = blocks[index];
            await WriteEventAsync(http, "content_block_start", new JsonObject
            {
                ["type"] = "content_block_start",
                ["index"] = index,
                ["content_block"] = block.ToJson(complete: false),
            }, token).ConfigureAwait(false);
            foreach (var delta in block.Deltas())
            {
                await WriteEventAsync(http, "content_block_delta", new JsonObject
                {
                    ["type"] = "content_block_delta",
                    ["index"] = index,
                    ["delta"] = delta,
                }, token).ConfigureAwait(false);
            }

            await WriteEventAsync(http, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index }, token).ConfigureAwait(false);
        }

        await WriteEventAsync(http, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = OutputTokens },
        }, token).ConfigureAwait(false);
        await WriteEventAsync(http, "message_stop", new JsonObject { ["type"] = "message_stop" }, token).ConfigureAwait(false);
    }

    private static async Task StartStreamAsync(HttpResponse http, string messageId, MockRequest request, CancellationToken token)
    {
        http.StatusCode = 200;
        http.ContentType = "text/event-stream; charset=utf-8";
        http.Headers.CacheControl = "no-cache";
        await WriteEventAsync(http, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = messageId,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = request.Model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = Usage(1),
            },
        }, token).ConfigureAwait(false);
        await WriteEventAsync(http, "ping", new JsonObject { ["type"] = "ping" }, token).ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpResponse http, string name, JsonObject data, CancellationToken token)
    {
        var bytes = Encoding.UTF8.GetBytes($"event: {name}\ndata: {data.ToJsonString()}\n\n");
        await http.Body.WriteAsync(bytes, token).ConfigureAwait(false);
        await http.Body.FlushAsync(token).ConfigureAwait(false);
    }

    private abstract record ContentBlock
    {
        public abstract JsonObject ToJson(bool complete);

        public abstract IEnumerable<JsonObject> Deltas();

        protected static IEnumerable<string> Chunks(string text, int size = 40)
        {
            for (var start = 0; start < text.Length;)
            {
                var length = Math.Min(size, text.Length - start);
                if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
                {
                    length++;
                }

                yield return text.Substring(start, length);
                start += length;
            }
        }
    }

    private sealed record TextBlock(string Text) : ContentBlock
    {
        public override JsonObject ToJson(bool complete) => new() { ["type"] = "text", ["text"] = complete ? Text : "" };

        public override IEnumerable<JsonObject> Deltas() =>
            Chunks(Text).Select(chunk => new JsonObject { ["type"] = "text_delta", ["text"] = chunk });
    }

    private sealed record ToolUseBlock(string Id, string Name, string InputJson) : ContentBlock
    {
        public override JsonObject ToJson(bool complete) => new()
        {
            ["type"] = "tool_use",
            ["id"] = Id,
            ["name"] = Name,
            ["input"] = complete ? JsonNode.Parse(InputJson) : new JsonObject(),
        };

        public override IEnumerable<JsonObject> Deltas() =>
            Chunks(InputJson, 16).Select(chunk => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = chunk });
    }
}
