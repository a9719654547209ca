namespace ClaudeRunner.Tests;

public sealed class ClaudeResultTests
{
    // Printed by the real claude 2.1.331 (the end-to-end tests' mock API answered "Read it all.").
    // Its keys are not in the usual order, and it carries nulls where numbers are usual.
    private const string RealSuccessLine =
        """{"duration_api_ms":47,"stop_reason":"end_turn","session_id":"7e186a5e-bc66-46c9-82e6-f9759fe9dbed","total_cost_usd":0.0008,"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":20,"output_tokens_details":{"thinking_tokens":0},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard","cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"inference_geo":"","iterations":[],"speed":"standard","fallback_credit":null},"modelUsage":{"claude-opus-5-5":{"inputTokens":100,"outputTokens":20,"cacheReadInputTokens":0,"cacheCreationInputTokens":0,"webSearchRequests":0,"costUSD":0.0008,"contextWindow":1000000,"maxOutputTokens":128000,"thinkingTokens":0,"cacheCreationEphemeral5mInputTokens":0,"cacheCreationEphemeral1hInputTokens":0,"canonicalModel":"claude-opus-5-5","provider":"firstParty","costBasis":"list"}},"permission_denials":[],"terminal_reason":"completed","fast_mode_state":"off","fast_mode_disabled_reason":"sdk_opt_in_required","subagent_stats":{"spawned":0,"requested":{"background":0,"foreground":0,"unset":0},"started_in_background":0,"max_depth":0,"spawned_by_subagents":0,"completed":0,"failed":0,"killed":{"parent":0,"user":0,"system":0},"refused":{"depth_limit":0,"concurrency_limit":0,"budget":0},"by_type":{}},"safety_stops":0,"is_error":false,"num_turns":1,"subtype":"success","api_error_status":null,"result":"Read it all.","ttft_ms":97,"type":"result","duration_ms":104,"uuid":"5429f4e0-7530-4242-afe4-bddbbad53642","ttft_stream_ms":96,"time_to_request_ms":58,"first_content_frame_ms":96,"queued_turn_count":0,"result_index":0}""";

    [Fact]
    public void The_real_clis_success_line_with_a_null_api_error_status_parses()
    {
        var result = ClaudeResult.TryParse(RealSuccessLine);

        Assert.NotNull(result);
        Assert.Equal("success", result.Subtype);
        Assert.False(result.IsError);
        Assert.Equal("Read it all.", result.Text);
        Assert.Equal("7e186a5e-bc66-46c9-82e6-f9759fe9dbed", result.SessionId);
        Assert.Equal(0.0008m, result.CostUsd);
        Assert.Equal(1, result.Turns);
        Assert.Equal(new TokenUsage(100, 20, 0, 0), result.Usage);
        Assert.Null(result.ApiErrorStatus);
    }

    [Fact]
    public void Null_numbers_are_read_as_missing()
    {
        var result = ClaudeResult.TryParse("""{"type":"result","subtype":"success","is_error":true,"total_cost_usd":null,"num_turns":null,"api_error_status":null,"usage":{"input_tokens":null,"output_tokens":7},"result":"Request timed out."}""");

        Assert.NotNull(result);
        Assert.True(result.IsError);
        Assert.Null(result.CostUsd);
        Assert.Null(result.Turns);
        Assert.Null(result.ApiErrorStatus);
        Assert.Equal(new TokenUsage(0, 7, 0, 0), result.Usage);
    }
}
