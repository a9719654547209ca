using System.Text.Json;

namespace ClaudeRunner.Tests;

/// <summary>outputSchema: the schema reaches claude inline, the structured output comes back checked, and a prompt without it fails.</summary>
public sealed class StructuredOutputTests : IDisposable
{
    private const string AnswerSchema = """{"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]}""";

    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private RunRequest Request(string json) => FakeRuns.Request(_scratch) with
    {
        Sources = [PromptSource.FromFile(_scratch.WriteFile("prompts.json", json))],
    };

    private static string Prompt(string directives) => JsonSerializer.Serialize($"@fake {directives}\nAnswer the question.");

    [Fact]
    public async Task An_inline_schema_goes_to_claude_as_one_argument_and_its_output_is_in_the_result_the_summary_and_an_owner_only_output_file()
    {
        var summary = await FakeRuns.RunAsync(Request($$"""{"prompts": [{"id": "q", "prompt": {{Prompt("output={\"answer\":42}")}}, "outputSchema": {{AnswerSchema}}}]}"""));

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal("""{"answer":42}""", result.Output?.GetRawText());
        var args = Assert.Single(_scratch.Invocations()).Args;
        Assert.Equal(AnswerSchema, args[args.ToList().IndexOf("--json-schema") + 1]);

        Assert.Equal(Path.Combine(_scratch.LogDirectory, "q.output.json"), result.OutputFile);
        using (var file = JsonDocument.Parse(File.ReadAllText(result.OutputFile!)))
        {
            Assert.Equal(42, file.RootElement.GetProperty("answer").GetInt32());
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.OutputFile!));
        }

        using var report = JsonDocument.Parse(File.ReadAllText(summary.SummaryFile!));
        Assert.Equal(42, report.RootElement.GetProperty("prompts")[0].GetProperty("output").GetProperty("answer").GetInt32());
    }

    [Fact]
    public async Task A_schema_file_is_read_relative_to_the_prompts_file()
    {
        _scratch.WriteFile("schemas/answer.json", "// the answer\n" + AnswerSchema);

        var summary = await FakeRuns.RunAsync(Request($$"""{"prompts": [{"id": "q", "prompt": {{Prompt("output={\"answer\":7}")}}, "outputSchema": "schemas/answer.json"}]}"""));

        Assert.Equal(7, Assert.Single(summary.Results).Output?.GetProperty("answer").GetInt32());
        var args = Assert.Single(_scratch.Invocations()).Args;
        Assert.Equal(AnswerSchema, args[args.ToList().IndexOf("--json-schema") + 1]);
    }

    [Fact]
    public async Task Invalid_json_in_a_schema_file_is_an_input_error_at_its_line_and_column_and_nothing_runs()
    {
        var schemaFile = _scratch.WriteFile("answer.json", "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(Request("""{"prompts": [{"prompt": "q", "outputSchema": "answer.json"}]}""")));

        var problem = Assert.Single(error.Errors);
        Assert.Equal((schemaFile, 3), (problem.Location!.File, problem.Location.Line));
        Assert.True(problem.Location.Column > 1);
        Assert.StartsWith("The schema file is not a JSON Schema: Invalid JSON", problem.Message, StringComparison.Ordinal);
        Assert.Empty(_scratch.Invocations());
    }

    [Theory]
    [InlineData("""{"prompts": [{"prompt": "q", "outputSchema": "missing.json"}]}""", "does not exist")]
    [InlineData("""{"prompts": [{"prompt": "q", "outputSchema": {"type": 5}}]}""", "is not a usable JSON Schema")]
    [InlineData("""{"prompts": [{"prompt": "q", "outputSchema": 5}]}""", "must be a JSON Schema object or the path of a schema file")]
    [InlineData("""{"prompts": [{"prompt": "q", "findings": true, "outputSchema": {"type": "object"}}]}""", "\"findings\" brings its own schema")]
    public async Task A_schema_that_cannot_be_used_is_an_input_error_at_the_prompt(string json, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => FakeRuns.RunAsync(Request(json)));

        var problem = Assert.Single(error.Errors);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_scratch.Directory, "prompts.json"), problem.Location!.File);
        Assert.Empty(_scratch.Invocations());
    }

    [Fact]
    public async Task A_root_that_is_not_an_object_is_wrapped_for_claude_and_unwrapped_in_the_result()
    {
        const string ListSchema = """{"type":"array","items":{"type":"string"}}""";
        var summary = await FakeRuns.RunAsync(Request($$"""{"prompts": [{"id": "q", "prompt": {{Prompt("output={\"value\":[\"a\",\"b\"]}")}}, "outputSchema": {{ListSchema}}}]}"""));

        var result = Assert.Single(summary.Results);
        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal("""["a","b"]""", result.Output?.GetRawText());
        var args = Assert.Single(_scratch.Invocations()).Args;
        using var sent = JsonDocument.Parse(args[args.ToList().IndexOf("--json-schema") + 1]);
        Assert.Equal("object", sent.RootElement.GetProperty("type").GetString());
        Assert.Equal(ListSchema, sent.RootElement.GetProperty("properties").GetProperty("value").GetRawText());
        Assert.Equal("value", Assert.Single(sent.RootElement.GetProperty("required").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("text=\"I would rather talk.\"", "claude succeeded but returned no structured output (the model answered in text). It answered: I would rather talk.")]
    [InlineData("subtype=error_max_structured_output_retries", "claude gave up on structured output that follows the schema after its retries. Failed to provide valid structured output after 5 attempts")]
    [InlineData("output={\"answer\":\"many\"}", "The structured output does not follow the schema: at '/answer'")]
    public async Task A_prompt_without_valid_structured_output_ends_NoStructuredOutput_and_is_not_retried(string directives, string message)
    {
        var request = Request($$"""{"prompts": [{"id": "q", "prompt": {{Prompt(directives)}}, "outputSchema": {{AnswerSchema}}, "retries": 2}]}""");

        var summary = await FakeRuns.RunAsync(request);

        var result = Assert.Single(summary.Results);
        Assert.Equal((Outcome.NoStructuredOutput, 1), (result.Outcome, result.Attempts));
        Assert.StartsWith(message, result.Message, StringComparison.Ordinal);
        Assert.Null(result.Output);
        Assert.False(File.Exists(Path.Combine(_scratch.LogDirectory, "q.output.json")));
    }

    [Fact]
    public async Task The_cache_records_the_structured_output_and_an_up_to_date_prompt_returns_it()
    {
        var json = $$"""{"prompts": [{"id": "q", "prompt": {{Prompt("output={\"answer\":42}")}}, "outputSchema": {{AnswerSchema}}}]}""";
        await FakeRuns.RunAsync(Request(json));
        File.Delete(Path.Combine(_scratch.LogDirectory, "q.output.json"));

        var second = await FakeRuns.RunAsync(Request(json));

        var result = Assert.Single(second.Results);
        Assert.Equal(Outcome.UpToDate, result.Outcome);
        Assert.Single(_scratch.Invocations());
        Assert.Equal(42, result.Output?.GetProperty("answer").GetInt32());
        Assert.Equal(42, JsonDocument.Parse(File.ReadAllText(result.OutputFile!)).RootElement.GetProperty("answer").GetInt32());
    }

    [Fact]
    public async Task Secrets_in_the_structured_output_are_masked()
    {
        var request = Request($$"""{"prompts": [{"id": "q", "prompt": {{Prompt("output={\"answer\":1,\"note\":\"token=hunter2-secret-value\"}")}}, "outputSchema": {{AnswerSchema}}, "env": {"MY_TOKEN": "hunter2-secret-value"} }] }""");

        var summary = await FakeRuns.RunAsync(request);

        var result = Assert.Single(summary.Results);
        Assert.Equal("token=***", result.Output?.GetProperty("note").GetString());
        Assert.DoesNotContain("hunter2", File.ReadAllText(result.OutputFile!), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", File.ReadAllText(summary.SummaryFile!), StringComparison.Ordinal);
    }
}
