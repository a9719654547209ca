using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeRunner.EndToEnd.Tests.Harness;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// Tests of the mock itself over plain HTTP (no claude needed): the wire format the real CLI relies
/// on, the behaviours, the recording and a prompt shutdown.
/// </summary>
public sealed class MockAnthropicApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private MockAnthropicApi _mock = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _mock = await MockAnthropicApi.StartAsync();
        _http = new HttpClient { BaseAddress = _mock.BaseUrl, Timeout = Timeout };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _mock.DisposeAsync();
    }

    [Fact]
    public void BindsToLoopbackWithAPort()
    {
        Assert.Equal("127.0.0.1", _mock.BaseUrl.Host);
        Assert.True(_mock.Port > 0);
        Assert.Equal($"http://127.0.0.1:{_mock.Port}/", _mock.BaseUrl.ToString());
    }

    [Fact]
    public async Task StreamingReply_IsAStandardSseStream()
    {
        var text = "A reply long enough to be split into several text_delta events, with ünïcödé 日本語 🙂.";
        _mock.When("marker-sse", MockBehaviour.Reply(text));

        using var response = await PostMessagesAsync(Body("hello marker-sse", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name).Distinct());
        Assert.All(events, e => Assert.Equal(e.Name, e.Data["type"]!.GetValue<string>()));
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("message_stop", events[^1].Name);
        Assert.True(events.Count(e => e.Name == "content_block_delta") > 1);
        var streamed = string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data["delta"]!["text"]!.GetValue<string>()));
        Assert.Equal(text, streamed);
        var messageDelta = events.Single(e => e.Name == "message_delta").Data;
        Assert.Equal("end_turn", messageDelta["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(MockAnthropicApi.OutputTokens, messageDelta["usage"]!["output_tokens"]!.GetValue<int>());
        Assert.Equal("claude-test-model", events[0].Data["message"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task NonStreamingReply_IsAJsonMessage()
    {
        using var response = await PostMessagesAsync(Body("hello", stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.Equal("end_turn", message["stop_reason"]!.GetValue<string>());
        Assert.Equal(MockAnthropicApi.DefaultReplyText, message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(MockAnthropicApi.InputTokens, message["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.False(Assert.Single(_mock.MessageRequests).Stream);
    }

    [Theory]
    [InlineData(401, "authentication_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    public async Task Error_SendsStatusAnthropicErrorBodyAndRetryAfter(int status, string errorType)
    {
        _mock.When("marker-error", MockBehaviour.Error(status, retryAfter: TimeSpan.FromSeconds(2)));

        using var response = await PostMessagesAsync(Body("marker-error", stream: true));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("retry-after").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal(errorType, body["error"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["error"]!["message"]!.GetValue<string>()));
        var request = Assert.Single(_mock.MessageRequests);
        Assert.Equal(status, request.Status);
        Assert.Equal($"error {status}", request.Outcome);
    }

    [Fact]
    public async Task FailFirst_FailsKRequestsThenSucceeds()
    {
        _mock.When("marker-flaky", MockBehaviour.FailFirst(2, 429, "finally"));

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await PostMessagesAsync(Body("marker-flaky", stream: false));
            statuses.Add((int)response.StatusCode);
        }

        Assert.Equal([429, 429, 200, 200], statuses);
        Assert.Equal(4, _mock.RequestsFor("marker-flaky").Count);
    }

    [Fact]
    public async Task ToolUseThenReply_CallsBashThenAnswersTheToolResult()
    {
        _mock.When("marker-tool", MockBehaviour.ToolUseThenReply("echo hi", "done"));

        using var first = await PostMessagesAsync(Body("marker-tool", stream: true));
        var events = ParseSse(await first.Content.ReadAsStringAsync());
        var start = events.Single(e => e.Name == "content_block_start").Data["content_block"]!;
        Assert.Equal("tool_use", start["type"]!.GetValue<string>());
        Assert.Equal("Bash", start["name"]!.GetValue<string>());
        var json = string.Concat(events.Where(e => e.Name == "content_block_delta")
            .Select(e => e.Data["delta"]!["partial_json"]!.GetValue<string>()));
        Assert.Equal("echo hi", JsonNode.Parse(json)!["command"]!.GetValue<string>());
        Assert.Equal("tool_use", events.Single(e => e.Name == "message_delta").Data["delta"]!["stop_reason"]!.GetValue<string>());

        var toolUseId = start["id"]!.GetValue<string>();
        using var second = await PostMessagesAsync(Body("marker-tool", stream: false, toolResultFor: toolUseId));
        var message = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal("done", message["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal([0, 1], _mock.RequestsFor("marker-tool").Select(r => r.ToolResultCount));
    }

    [Fact]
    public async Task Prompt_IsTheLastTextBlockOfTheFirstUserMessage()
    {
        using var response = await PostMessagesAsync(Body("the real prompt", stream: false, toolResultFor: "toolu_x"));

        var request = Assert.Single(_mock.MessageRequests);
        Assert.Equal("the real prompt", request.Prompt);
        Assert.Equal("claude-test-model", request.Model);
        Assert.Equal("?beta=true", request.Query);
        Assert.Equal(4, request.MessageCount);
        Assert.Null(request.Marker);
    }

    [Fact]
    public async Task FirstMatchingMarkerWins_OthersGetTheDefault()
    {
        _mock.When("alpha", MockBehaviour.Reply("A")).When("beta", MockBehaviour.Reply("B"));
        _mock.DefaultBehaviour = MockBehaviour.Reply("D");

        Assert.Equal("A", await ReplyTextAsync("alpha and beta"));
        Assert.Equal("B", await ReplyTextAsync("just beta"));
        Assert.Equal("D", await ReplyTextAsync("neither"));
        Assert.Equal(["alpha", "beta", null], _mock.MessageRequests.Select(r => r.Marker));
    }

    [Fact]
    public async Task Recording_MeasuresRequestsInFlight()
    {
        _mock.When("marker-slow", MockBehaviour.Reply("slow", delay: TimeSpan.FromMilliseconds(700)));

        await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
        {
            using var response = await PostMessagesAsync(Body($"marker-slow {i}", stream: true));
            await response.Content.ReadAsStringAsync();
        }));
        using (var later = await PostMessagesAsync(Body("marker-slow later", stream: true)))
        {
            await later.Content.ReadAsStringAsync();
        }

        Assert.Equal(3, _mock.MaxConcurrentMessageRequests("marker-slow"));
        Assert.All(_mock.MessageRequests, r => Assert.True(r.EndedAt - r.ArrivedAt >= TimeSpan.FromMilliseconds(650)));
        Assert.Equal(3, _mock.MaxConcurrentSessions()); // no session header: every request is its own session
    }

    [Fact]
    public void MaxConcurrent_TouchingIntervalsDoNotOverlap()
    {
        var t = DateTimeOffset.UnixEpoch;
        Assert.Equal(1, MockAnthropicApi.MaxConcurrent([(t, t.AddSeconds(1)), (t.AddSeconds(1), t.AddSeconds(2))]));
        Assert.Equal(2, MockAnthropicApi.MaxConcurrent([(t, t.AddSeconds(2)), (t.AddSeconds(1), t.AddSeconds(3)), (t.AddSeconds(2), null)]));
        Assert.Equal(0, MockAnthropicApi.MaxConcurrent([]));
    }

    [Fact]
    public async Task HelloCountTokensAndUnknownRoutes()
    {
        using (var hello = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/hello")))
        {
            Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        }

        using (var count = await _http.PostAsync("/v1/messages/count_tokens?beta=true", Json(Body("x", stream: false))))
        {
            Assert.Equal(MockAnthropicApi.InputTokens, JsonNode.Parse(await count.Content.ReadAsStringAsync())!["input_tokens"]!.GetValue<int>());
        }

        using (var unknown = await _http.GetAsync("/v1/models"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Equal("/v1/models", Assert.Single(_mock.UnexpectedRequests).Path);
        Assert.Empty(_mock.MessageRequests);
    }

    [Fact]
    public async Task Hang_HoldsTheRequestUntilTheClientGoesAway()
    {
        _mock.When("marker-hang", MockBehaviour.Hang());
        using var cts = new CancellationTokenSource();
        var call = _http.PostAsync("/v1/messages?beta=true", Json(Body("marker-hang", stream: true)), cts.Token);

        var request = Assert.Single(await _mock.WaitForRequestsAsync(1, Timeout));
        Assert.False(call.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await _mock.WaitUntilAsync(_ => !request.InFlight, Timeout);
        Assert.True(request.Aborted);
        Assert.Equal("hang", request.Outcome);
    }

    [Fact]
    public async Task HangAfterHeaders_SendsMessageStartThenStalls()
    {
        _mock.When("marker-stall", MockBehaviour.Hang(afterHeaders: true));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages?beta=true") { Content = Json(Body("marker-stall", stream: true)) };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("event: message_start", await reader.ReadLineAsync());
        Assert.True(Assert.Single(_mock.MessageRequests).InFlight);
    }

    [Fact]
    public async Task Dispose_StopsPromptlyWithHangingRequests()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        mock.DefaultBehaviour = MockBehaviour.Hang();
        using var http = new HttpClient { BaseAddress = mock.BaseUrl, Timeout = Timeout };
        var calls = Enumerable.Range(0, 3)
            .Select(i => http.PostAsync("/v1/messages?beta=true", Json(Body($"hang {i}", stream: i % 2 == 0))))
            .ToList();
        await mock.WaitForRequestsAsync(3, Timeout);

        var stopwatch = Stopwatch.StartNew();
        await mock.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {stopwatch.Elapsed}");
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => call);
        }

        Assert.All(mock.Requests, r => Assert.True(r.Aborted && !r.InFlight));
    }

    [Fact]
    public async Task StreamError_SendsAnErrorEventAfterMessageStart()
    {
        _mock.When("marker-midstream", MockBehaviour.Always(MockResponse.StreamError("overloaded_error")));

        using var response = await PostMessagesAsync(Body("marker-midstream", stream: true));

        var events = ParseSse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["message_start", "ping", "error"], events.Select(e => e.Name));
        Assert.Equal("overloaded_error", events[^1].Data["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sequence_AndWithDelay()
    {
        _mock.When("marker-seq", MockBehaviour.Sequence(
            MockBehaviour.Error(500),
            MockBehaviour.Reply("second").WithDelay(TimeSpan.FromMilliseconds(300)),
            MockBehaviour.Reply("rest")));

        var statuses = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await PostMessagesAsync(Body("marker-seq", stream: false));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            statuses.Add(response.IsSuccessStatusCode ? body["content"]![0]!["text"]!.GetValue<string>() : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(["500", "second", "rest", "rest"], statuses);
        var second = _mock.MessageRequests[1];
        Assert.True(second.EndedAt - second.ArrivedAt >= TimeSpan.FromMilliseconds(280));
    }

    private async Task<string> ReplyTextAsync(string prompt)
    {
        using var response = await PostMessagesAsync(Body(prompt, stream: false));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["content"]![0]!["text"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> PostMessagesAsync(JsonObject body) =>
        _http.PostAsync("/v1/messages?beta=true", Json(body));

    private static StringContent Json(JsonNode body) =>
        new(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>A request shaped like the CLI's: a system-reminder block before the prompt, a system message after.</summary>
    private static JsonObject Body(string prompt, bool stream, string? toolResultFor = null)
    {
        var messages = new JsonArray
        {
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    new JsonObject { ["type"] = "text", ["text"] = "<system-reminder>\nsome context\n</system-reminder>" },
                    new JsonObject { ["type"] = "text", ["text"] = prompt },
                },
            },
            new JsonObject { ["role"] = "system", ["content"] = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = "# Environment" } } },
        };
        if (toolResultFor is not null)
        {
            messages.Add(new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray { new JsonObject { ["type"] = "tool_use", ["id"] = toolResultFor, ["name"] = "Bash", ["input"] = new JsonObject() } },
            });
            messages.Add(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = toolResultFor, ["content"] = "hi" },
                    new JsonObject { ["type"] = "text", ["text"] = "not the prompt" },
                },
            });
        }

        return new JsonObject
        {
            ["model"] = "claude-test-model",
            ["max_tokens"] = 1000,
            ["stream"] = stream,
            ["messages"] = messages,
        };
    }

    private static List<(string Name, JsonNode Data)> ParseSse(string body)
    {
        var events = new List<(string, JsonNode)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null, data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }

            Assert.NotNull(name);
            Assert.NotNull(data);
            events.Add((name, JsonNode.Parse(data)!));
        }

        return events;
    }
}
