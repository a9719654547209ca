using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeRunner.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// outputSchema and findings against the REAL claude: the schema becomes claude's StructuredOutput tool at the API, the
/// mock model calls it (valid; invalid then valid) or answers in text, and the engine judges what claude made of it
/// (docs/claude-cli.md, "Structured output").
/// </summary>
[Trait("Category", "RealClaude")]
public sealed class StructuredOutputRealClaudeTests(ITestOutputHelper output)
{
    private const string AnswerSchema = """{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"],"additionalProperties":false}""";

    private static Task<RealClaudeScenario> StartAsync() =>
        RealClaudeScenario.StartAsync(new ClaudeEnvironmentOptions { IsSandbox = true, MaxRetries = 0 });

    private static JsonObject Defaults() => new() { ["retries"] = 0, ["timeout"] = "90s" };

    /// <summary>The model's turns by how many tool results claude has sent back: the n-th response, then text once the last tool call was taken.</summary>
    private static MockBehaviour Turns(params MockResponse[] responses) =>
        MockBehaviour.Custom((_, request) => request.ToolResultCount < responses.Length ? responses[request.ToolResultCount] : MockResponse.Reply("Done."));

    private static JsonObject Asking(string id, string schemaOrNull = AnswerSchema) => new()
    {
        ["id"] = id,
        ["prompt"] = $"What is the answer? {RealClaudeScenarios.Marker(id)}",
        ["outputSchema"] = JsonNode.Parse(schemaOrNull),
    };

    [Fact]
    public async Task A_valid_StructuredOutput_call_is_the_prompts_output_and_the_schema_reached_the_API_as_that_tools_input_schema()
    {
        await using var scenario = await StartAsync();
        scenario.Mock.When(RealClaudeScenarios.Marker("valid"), Turns(MockResponse.ToolUse("StructuredOutput", """{"answer":42}""")));
        scenario.WritePrompts(Defaults(), [Asking("valid")], [new ExpectedPrompt("valid", Outcome.Succeeded, 1)]);

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        Assert.Equal(42, run.Result("valid").Output?.GetProperty("answer").GetInt32());
        using var first = JsonDocument.Parse(scenario.Mock.RequestsFor(RealClaudeScenarios.Marker("valid")).First().Body);
        var tool = first.RootElement.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "StructuredOutput");
        Assert.Equal("integer", tool.GetProperty("input_schema").GetProperty("properties").GetProperty("answer").GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_invalid_call_is_retried_by_claude_and_the_valid_one_that_follows_is_the_output()
    {
        await using var scenario = await StartAsync();
        scenario.Mock.When(
            RealClaudeScenarios.Marker("second-try"),
            Turns(MockResponse.ToolUse("StructuredOutput", """{"answer":"many"}"""), MockResponse.ToolUse("StructuredOutput", """{"answer":7}""")));
        scenario.WritePrompts(Defaults(), [Asking("second-try")], [new ExpectedPrompt("second-try", Outcome.Succeeded, 1)]);

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        Assert.Equal(7, run.Result("second-try").Output?.GetProperty("answer").GetInt32());
        // claude's own validation sent the first call back: our attempt count stays 1.
        Assert.True(scenario.Mock.RequestsFor(RealClaudeScenarios.Marker("second-try")).Count() >= 2);
    }

    [Fact]
    public async Task A_model_that_answers_in_text_leaves_claude_successful_but_the_prompt_ends_NoStructuredOutput()
    {
        await using var scenario = await StartAsync();
        scenario.Mock.When(RealClaudeScenarios.Marker("text-only"), MockBehaviour.Reply("The answer is forty-two."));
        scenario.WritePrompts(
            Defaults(),
            [Asking("text-only")],
            [new ExpectedPrompt("text-only", Outcome.NoStructuredOutput, 1, "claude succeeded but returned no structured output")]);

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        var result = run.Result("text-only");
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Output);
    }

    [Fact]
    public async Task An_array_schema_is_wrapped_for_claude_and_the_output_is_the_array()
    {
        await using var scenario = await StartAsync();
        scenario.Mock.When(RealClaudeScenarios.Marker("list"), Turns(MockResponse.ToolUse("StructuredOutput", """{"value":["a","b"]}""")));
        scenario.WritePrompts(Defaults(), [Asking("list", """{"type":"array","items":{"type":"string"}}""")], [new ExpectedPrompt("list", Outcome.Succeeded, 1)]);

        var run = await scenario.RunEngineAsync(output.WriteLine);

        await scenario.AssertRunAsExpectedAsync();
        Assert.Equal("""["a","b"]""", run.Result("list").Output?.GetRawText());
    }

    [Fact]
    public async Task A_review_through_the_real_claude_reports_its_findings_at_the_file_and_fails_on_an_error()
    {
        await using var scenario = await StartAsync();
        var source = Path.Combine(scenario.Environment.WorkingDirectory, "auth.cs");
        File.WriteAllText(source, "class Auth\n{\n}\n");
        const string Findings = """{"findings":[{"file":"auth.cs","line":2,"column":1,"severity":"error","message":"Empty class."},{"file":"../../outside.cs","line":1,"severity":"error","message":"Elsewhere."}]}""";
        scenario.Mock.When(RealClaudeScenarios.Marker("review"), Turns(MockResponse.ToolUse("StructuredOutput", Findings)));
        scenario.WritePrompts(
            Defaults(),
            [new JsonObject { ["id"] = "review", ["prompt"] = $"Review auth.cs. {RealClaudeScenarios.Marker("review")}", ["findings"] = true }],
            [new ExpectedPrompt("review", Outcome.FindingsReported, 1, "1 finding at or above error")]);

        var run = await scenario.RunEngineAsync(output.WriteLine);

        // Not AssertLogs: the .log records each attempt's verdict (claude succeeded); the findings are judged after the attempts.
        await scenario.AssertNoProcessLeftAsync();
        scenario.AssertSummaryFile();
        var findings = run.Result("review").Findings;
        Assert.Equal((source, 2, (string?)null), (findings[0].FullPath, findings[0].Line, findings[0].RefusedBecause));
        Assert.StartsWith("the file is outside", findings[1].RefusedBecause, StringComparison.Ordinal);
        using var first = JsonDocument.Parse(scenario.Mock.RequestsFor(RealClaudeScenarios.Marker("review")).First().Body);
        Assert.Contains("Report your review through the StructuredOutput tool", first.RootElement.GetProperty("system").GetRawText(), StringComparison.Ordinal);
    }
}
