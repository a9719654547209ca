namespace ClaudeRunner.Tests;

public sealed class StreamJsonLineTests
{
    // Printed by the real claude 2.1.331 (the end-to-end tests' mock API answered "Read it all.").
    // Its keys are not in the usual order, and it carries nulls where numbers are usual.
    private const string RealSuccessLine =
        """{"duration_api_ms":47,"stop_reason":"end_turn","session_id":"7e186a5e-bc66-46c9-82e6-f9759fe9dbed","total_cost_usd":0.0008,"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":20,"output_tokens_details":{"thinking_tokens":0},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"inference_geo":"","iterations":[],"speed":"standard","fallback_credit":null},"modelUsage":{"claude-opus-5-5":{"inputTokens":100,"outputTokens":20,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"webSearchRequests":0,"costUSD":0.0008,"contextWindow":1000000,"maxOutputTokens":128000,"thinkingTokens":0,"cacheCreationEphemeral5mInputTokens":0,"cacheCreationEphemeral1hInputTokens":0,"canonicalModel":"claude-opus-5-5","provider":"firstParty","costBasis":"list"}},"permission_denials":[],"terminal_reason":"completed","fast_mode_state":"off","fast_mode_disabled_reason":"sdk_opt_in_required","subagent_stats":{"spawned":0,"requested":{"background":0,"foreground":0,"unset":0},"started_in_background":0,"max_depth":0,"spawned_by_subagents":0,"completed":0,"failed":0,"killed":{"parent":0,"user":0,"system":0},"refused":{"depth_limit":0,"concurrency_limit":0,"budget":0},"by_type":{}},"safety_stops":0,"is_error":false,"num_turns":1,"subtype":"success","api_error_status":null,"result":"Read it all.","ttft_ms":97,"type":"result","duration_ms":104,"uuid":"5429f4e0-7530-4242-afe4-bddbbad53642","ttft_stream_ms":96,"time_to_request_ms":58,"first_content_frame_ms":96,"queued_turn_count":0,"result_index":0}""";

    [Fact]
    public void The_real_clis_success_line_with_a_null_api_error_status_is_a_result()
    {
        var result = Assert.IsType<StreamJsonLine.Result>(StreamJsonLine.Read(RealSuccessLine)).Value;

        Assert.Equal("success", result.Subtype);
        Assert.False(result.IsError);
        Assert.Equal("Read it all.", result.Text);
        Assert.Equal("7e186a5e-bc66-46c9-82e6-f9759fe9dbed", result.SessionId);
        Assert.Equal(0.0008m, result.CostUsd);
        Assert.Equal(1, result.Turns);
        Assert.Equal(new TokenUsage(100, 20, 0, 0), result.Usage);
        Assert.Null(result.ApiErrorStatus);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Null_numbers_are_read_as_missing()
    {
        var result = Assert.IsType<StreamJsonLine.Result>(StreamJsonLine.Read("""{"type":"result","subtype":"success","is_error":true,"total_cost_usd":null,"num_turns":null,"api_error_status":null,"usage":{"input_tokens":null,"output_tokens":7},"result":"Request timed out."}""")).Value;

        Assert.True(result.IsError);
        Assert.Null(result.CostUsd);
        Assert.Null(result.Turns);
        Assert.Null(result.ApiErrorStatus);
        Assert.Equal(new TokenUsage(0, 7, 0, 0), result.Usage);
    }

    [Fact]
    public void An_api_error_result_carries_its_status_type_and_errors()
    {
        var line = """{"is_error":true,"api_error_type":"rate_limit_error","errors":["one",{"code":2}],"api_error_status":429,"subtype":"success","type":"result"}""";

        var result = Assert.IsType<StreamJsonLine.Result>(StreamJsonLine.Read(line)).Value;

        Assert.Equal((429, "rate_limit_error"), (result.ApiErrorStatus, result.ApiErrorType));
        Assert.Equal(["one", """{"code":2}"""], result.Errors);
        Assert.Null(result.Usage);
    }

    [Fact]
    public void The_init_line_names_the_session()
    {
        var line = StreamJsonLine.Read("""{"type":"system","subtype":"init","cwd":"/w","session_id":"abc-123","tools":["Read"]}""");

        Assert.Equal(new StreamJsonLine.Init("abc-123"), line);
    }

    [Fact]
    public void An_assistant_line_joins_its_text_blocks_and_skips_the_rest()
    {
        var line = StreamJsonLine.Read("""{"message":{"id":"msg_1","content":[{"type":"text","text":"Hello "},{"type":"tool_use","name":"Read"},7,{"type":"text","text":"world"}]},"type": "assistant"}""");

        Assert.Equal(new StreamJsonLine.Assistant("Hello world", "msg_1"), line);
    }

    [Fact]
    public void An_assistant_line_without_content_has_no_text()
    {
        Assert.Equal(new StreamJsonLine.Assistant(string.Empty, null), StreamJsonLine.Read("""{"type":"assistant","message":"not an object"}"""));
    }

    [Fact]
    public void An_api_retry_line_gives_attempt_status_and_delay()
    {
        var line = StreamJsonLine.Read("""{"type":"system","subtype":"api_retry","attempt":1,"max_retries":10,"retry_delay_ms":1243,"error_status":429,"error":"rate_limit"}""");

        var retry = Assert.IsType<StreamJsonLine.ApiRetry>(line);
        Assert.Equal(new StreamJsonLine.ApiRetry(1, 10, 429, "rate_limit", 1243), retry);
        Assert.Equal("claude retries the API call (attempt 1/10, status 429 rate_limit, in 1243 ms)", retry.Describe());
    }

    [Fact]
    public void An_api_retry_line_with_null_fields_says_what_it_does_not_know()
    {
        var retry = Assert.IsType<StreamJsonLine.ApiRetry>(StreamJsonLine.Read("""{"type":"system","subtype":"api_retry","attempt":null,"error_status":null}"""));

        Assert.Equal("claude retries the API call (attempt ?/?, status ? ?, in ? ms)", retry.Describe());
    }

    [Theory]
    [InlineData("""{"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","utilization":0.91,"resetsAt":1764620000,"rateLimitType":"five_hour"}}""", "allowed_warning")]
    [InlineData("""{"type":"rate_limit_event","rate_limit_info":{"status":"rejected"}}""", "rejected")]
    [InlineData("""{"type":"rate_limit_event","rate_limit_info":null}""", null)]
    public void A_rate_limit_event_gives_the_accounts_usage_status(string line, string? status)
    {
        Assert.Equal(new StreamJsonLine.RateLimitEvent(status), StreamJsonLine.Read(line));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text from a wrapper script")]
    [InlineData("""{"type":"result","subtype":"success""")]
    [InlineData("""{"type":"result","result":"half""")]
    [InlineData("""["type":"result"]""")]
    [InlineData("""[{"type":"result"}]""")]
    [InlineData("""{"type":"user","message":{"content":[{"type":"tool_result","content":"{\"type\":\"result\"}"}]}}""")]
    [InlineData("""{"type":"system","subtype":"compact_boundary"}""")]
    [InlineData("""{"outer":{"type":"result"},"type":"assistant2"}""")]
    public void Lines_the_runner_has_no_use_for_are_unknown(string line)
    {
        Assert.IsType<StreamJsonLine.Unknown>(StreamJsonLine.Read(line));
    }

    [Fact]
    public void A_result_line_with_a_lone_surrogate_escape_is_still_read_and_the_bad_escape_becomes_a_replacement_char()
    {
        var line = StreamJsonLine.Read("""{"type":"result","subtype":"success","is_error":false,"result":"cut in half: \ud83d, whole: \ud83d\ude00, quoted: \\ud83d","duration_ms":5}""");

        var result = Assert.IsType<StreamJsonLine.Result>(line).Value;
        Assert.False(result.IsError);
        Assert.Equal("cut in half: \uFFFD, whole: \U0001F600, quoted: \\ud83d", result.Text);
    }

    [Theory]
    [InlineData("""{"type":"system","subtype":"init","session_id":"\udc00"}""", "\uFFFD")]
    [InlineData("""{"type":"assistant","message":{"content":[{"type":"text","text":"\ud83d\ud83d"}]}}""", "\uFFFD\uFFFD")]
    [InlineData("""{"type":"assistant","message":{"content":[{"type":"text","text":"\ude00\ud83d"}]}}""", "\uFFFD\uFFFD")]
    public void Other_lines_with_lone_surrogate_escapes_are_read_too(string line, string text)
    {
        var read = StreamJsonLine.Read(line);

        Assert.Equal(text, read switch { StreamJsonLine.Init init => init.SessionId, StreamJsonLine.Assistant assistant => assistant.Text, _ => null });
    }

    [Fact]
    public void A_raw_lone_surrogate_makes_a_line_unknown_instead_of_throwing()
    {
        Assert.IsType<StreamJsonLine.Unknown>(StreamJsonLine.Read("{\"type\":\"result\",\"result\":\"\ud83d\"}"));
    }

    [Fact]
    public void Nesting_deeper_than_the_parser_allows_is_unknown()
    {
        var deep = "{\"type\":\"result\",\"x\":" + new string('[', 1000) + new string(']', 1000) + "}";

        Assert.IsType<StreamJsonLine.Unknown>(StreamJsonLine.Read(deep));
    }

    [Fact]
    public void A_huge_progress_line_is_not_parsed()
    {
        var huge = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"" + new string('x', 70 * 1024) + "\"}]}}";

        Assert.IsType<StreamJsonLine.Unknown>(StreamJsonLine.Read(huge));
    }

    [Fact]
    public void A_result_line_longer_than_any_progress_line_is_still_read()
    {
        // Kept far below the 4 MiB limit: megabytes of garbage here upset the memory tests' heap measurement.
        var answer = new string('x', 100 * 1024);

        var result = Assert.IsType<StreamJsonLine.Result>(StreamJsonLine.Read($$"""{"type":"result","subtype":"success","result":"{{answer}}"}"""));

        Assert.Equal(answer, result.Value.Text);
    }
}
