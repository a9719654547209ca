namespace ClaudeRunner.Tests;

public sealed class PromptSetTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private InputError SingleError(string json, string name = "prompts.json")
    {
        var path = _scratch.WriteFile(name, json);
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(path, error.Location?.File);
        return error;
    }

    [Fact]
    public void Plain_string_prompts_load_in_order()
    {
        var path = _scratch.WriteFile("prompts.json", """{"prompts": ["Analyse config.js", "Write tests for auth.js"]}""");
        var set = PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory);
        Assert.Equal(["Analyse config.js", "Write tests for auth.js"], set.Prompts.Select(p => p.Text));
        Assert.All(set.Prompts, p => Assert.Equal(_scratch.Directory, p.Options.WorkingDirectory));
        Assert.Equal(new SourceLocation(path, 1, 14), set.Prompts[0].Location);
    }

    [Fact]
    public void Invalid_json_names_line_and_column()
    {
        var error = SingleError("{\n  \"prompts\": [\n    \"a\",\n    oops\n  ]\n}");
        Assert.Equal(4, error.Location!.Line);
        Assert.Equal(5, error.Location.Column);
        Assert.StartsWith("Invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_prompts_array_is_an_error()
    {
        var error = SingleError("{\n  \"defaults\": {}\n}");
        Assert.Contains("\"prompts\" array is missing", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 1), (error.Location!.Line, error.Location.Column));
    }

    [Fact]
    public void Prompts_that_is_not_an_array_is_an_error()
    {
        var error = SingleError("{\"prompts\": \"do it\"}");
        Assert.Contains("must be an array", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 13), (error.Location!.Line, error.Location.Column));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \\n\\t \"")]
    [InlineData("{\"prompt\": \" \"}")]
    public void Empty_or_whitespace_prompt_is_an_error(string prompt)
    {
        var error = SingleError($"{{\"prompts\": [\n  \"fine\",\n  {prompt}\n]}}");
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Location!.Line);
    }

    [Fact]
    public void Wrong_type_names_the_option_and_the_value()
    {
        var error = SingleError("{\"prompts\": [{\"prompt\": \"x\",\n \"maxTurns\": \"thirty\"}]}");
        Assert.Contains("\"maxTurns\" must be a whole number", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"thirty\"", error.Message, StringComparison.Ordinal);
        Assert.Equal((2, 14), (error.Location!.Line, error.Location.Column));
    }

    [Fact]
    public void A_prompt_that_is_a_number_is_an_error()
    {
        var error = SingleError("{\"prompts\": [42]}");
        Assert.Contains("must be a string or an object, not the number 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_is_an_error()
    {
        var error = SingleError("{\"prompts\": [{\"prompt\": \"x\", \"modle\": \"opus\"}]}");
        Assert.Contains("Unknown option 'modle'", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 30), (error.Location!.Line, error.Location.Column));
    }

    [Fact]
    public void Duplicate_id_is_an_error_naming_both_places()
    {
        var path = _scratch.WriteFile("prompts.json", "{\"prompts\": [\n{\"id\": \"a\", \"prompt\": \"x\"},\n{\"id\": \"A\", \"prompt\": \"y\"}]}");
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(3, error.Location!.Line);
        Assert.Contains($"first at {path}(2,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_across_files_are_an_error()
    {
        var first = _scratch.WriteFile("a.json", "{\"prompts\": [\"same text\"]}");
        var second = _scratch.WriteFile("b.json", "{\"prompts\": [\"same text\"]}");
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(first), PromptSource.FromFile(second)], PromptOptions.None, _scratch.Directory));
        Assert.Equal(second, Assert.Single(ex.Errors).Location!.File);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("\"-5m\"")]
    [InlineData("0")]
    [InlineData("true")]
    public void Timeout_that_does_not_parse_is_an_error(string timeout)
    {
        var error = SingleError($"{{\"defaults\": {{\"timeout\": {timeout}}}, \"prompts\": [\"x\"]}}");
        Assert.Contains("\"timeout\" must be a positive duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_set_says_no_prompts_provided()
    {
        var path = _scratch.WriteFile("prompts.json", "{\"prompts\": []}");
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory));
        Assert.Equal("No prompts provided.", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var path = _scratch.WriteFile("prompts.json", "{\"prompts\": [\"\", {\"prompt\": \"x\", \"retries\": -1}, {\"nope\": 1}]}");
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory));
        Assert.Equal(4, ex.Errors.Count);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile("nope.json")], PromptOptions.None, _scratch.Directory));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(Path.Combine(_scratch.Directory, "nope.json"), error.Location!.File);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_text_errors_name_the_source()
    {
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromJson("{\"prompts\": [", "<stdin>")], PromptOptions.None, _scratch.Directory));
        Assert.Equal("<stdin>", Assert.Single(ex.Errors).Location!.File);
    }

    [Fact]
    public void The_file_format_text_values_and_typed_options_state_the_same_rule()
    {
        var rule = RunOptions.ForName("MaxTurns")!.Kind.Rule;
        var file = SingleError("{\"prompts\": [{\"prompt\": \"x\", \"maxTurns\": 0}]}");
        var textErrors = new List<InputError>();
        OptionValues.FromMetadata([new("MaxTurns", "0")], null, textErrors);
        var typed = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromPrompts([new PromptInput("x", Options: new PromptOptions { MaxTurns = 0 })])], PromptOptions.None, _scratch.Directory));
        Assert.Contains(rule, file.Message, StringComparison.Ordinal);
        Assert.Contains(rule, Assert.Single(textErrors).Message, StringComparison.Ordinal);
        Assert.Contains(rule, Assert.Single(typed.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_memory_options_are_validated_like_the_file_format()
    {
        var location = new SourceLocation("build.cake", 7);
        var bad = new PromptOptions { MaxTurns = 0, Retries = -1, Timeout = TimeSpan.Zero, MaxBudgetUsd = -1m, PermissionMode = "yolo" };
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromPrompts([new PromptInput("x", Options: bad, Location: location)])], PromptOptions.None, _scratch.Directory));
        Assert.Equal(5, ex.Errors.Count);
        Assert.All(ex.Errors, e => Assert.Equal(location, e.Location));
    }

    [Fact]
    public void Options_merge_prompt_over_file_defaults_over_run_defaults()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(_scratch.Directory, "src"));
        var path = _scratch.WriteFile("prompts.json", """
            {
              "defaults": { "model": "sonnet", "timeout": "00:20:00", "retries": 2, "env": {"A": "1", "B": "1"}, "args": ["--bare"] },
              "prompts": [
                "plain",
                { "id": "auth-tests", "prompt": "Write unit tests", "workingDirectory": "src", "allowedTools": ["Read", "Edit"],
                  "maxTurns": 30, "model": "opus", "timeout": "90s", "env": {"B": "2"}, "args": ["--add-dir", "x"],
                  "permissionMode": "acceptedits", "maxBudgetUsd": 1.5, "appendSystemPrompt": "Be brief", "disallowedTools": ["Bash"] }
              ]
            }
            """);
        var run = new PromptOptions { Model = "haiku", MaxTurns = 5, Retries = 7 };
        var set = PromptSet.Load([PromptSource.FromFile(path)], run, _scratch.Directory);
        var plain = set.Prompts[0].Options;
        Assert.Equal(("sonnet", 5, 2, TimeSpan.FromMinutes(20)), (plain.Model, plain.MaxTurns, plain.Retries, plain.Timeout));
        var rich = set.Prompts[1];
        Assert.Equal("auth-tests", rich.Id);
        Assert.Equal(Path.Combine(_scratch.Directory, "src"), rich.Options.WorkingDirectory);
        Assert.Equal(("opus", 30, TimeSpan.FromSeconds(90), "acceptEdits", 1.5m), (rich.Options.Model, rich.Options.MaxTurns, rich.Options.Timeout, rich.Options.PermissionMode, rich.Options.MaxBudgetUsd));
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, rich.Options.Env);
        Assert.Equal(["--bare", "--add-dir", "x"], rich.Options.Args!);
    }

    [Fact]
    public void A_working_directory_that_does_not_exist_is_an_error()
    {
        var error = SingleError("{\"prompts\": [{\"prompt\": \"x\", \"workingDirectory\": \"nowhere\"}]}");
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Derived_ids_are_stable_when_prompts_are_reordered()
    {
        var a = PromptSet.Load([PromptSource.FromPrompts(["Analyse config.js and suggest improvements", "Write tests"])], PromptOptions.None, _scratch.Directory);
        var b = PromptSet.Load([PromptSource.FromPrompts(["Write tests", "Analyse config.js and suggest improvements"])], PromptOptions.None, _scratch.Directory);
        Assert.Equal(a.Prompts[0].Id, b.Prompts[1].Id);
        Assert.Equal(a.Prompts[1].Id, b.Prompts[0].Id);
        Assert.Matches("^analyse-config-js-and-suggest-improvemen-[0-9a-f]{8}$", a.Prompts[0].Id);
    }

    [Theory]
    [InlineData("Ünïcödé prompt ✓ with / slashes \\ and ..")]
    [InlineData("!!!")]
    [InlineData("日本語のプロンプト")]
    public void Derived_ids_are_safe_file_names(string text)
    {
        var id = PromptIds.Derive(text);
        Assert.Null(PromptIds.Problem(id));
        Assert.DoesNotContain(id, c => Path.GetInvalidFileNameChars().Contains(c) || c == '\\' || c == '/');
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("CON")]
    [InlineData("-leading")]
    public void Unsafe_ids_are_errors(string id)
    {
        var error = SingleError($"{{\"prompts\": [{{\"id\": \"{id}\", \"prompt\": \"x\"}}]}}");
        Assert.Contains($"'{id}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        var path = Path.Combine(_scratch.Directory, "bom.json");
        File.WriteAllText(path, "{\"prompts\": [\"x\"]}", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Single(PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory).Prompts);
    }

    [Theory]
    [InlineData("-p")]
    [InlineData("--print")]
    [InlineData("--output-format=json")]
    [InlineData("--input-format")]
    [InlineData("--verbose")]
    public void Args_the_runner_sets_itself_are_an_input_error_at_the_entry(string argument)
    {
        var error = SingleError("{\"prompts\": [{\"prompt\": \"x\",\n \"args\": [\"--model\", \"" + argument + "\"]}]}");

        // Line 2, column 22: the refused entry, not the array that holds it.
        Assert.True((2, 22) == (error.Location!.Line, error.Location.Column), error.ToString());
        Assert.Contains("the runner sets itself", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($", not the string \"{argument}\".", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Args_the_runner_sets_itself_are_refused_from_text_too()
    {
        var option = RunOptions.ForName("AdditionalArguments")!;

        Assert.Null(option.Kind.ParseItems(["--output-format", "json"]));
        Assert.NotNull(option.Kind.ParseItems(["--model", "opus"]));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_an_error_with_line_and_column()
    {
        var path = Path.Combine(_scratch.Directory, "latin1.json");
        File.WriteAllBytes(path, [.. "{\"prompts\": [\n  \"caf"u8.ToArray(), 0xE9, .. "\"]}"u8.ToArray()]);

        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(path)], PromptOptions.None, _scratch.Directory));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(new SourceLocation(path, 2, 7), error.Location);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endless_prompts_file_is_cut_at_the_size_limit()
    {
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile("/dev/zero")], PromptOptions.None, _scratch.Directory));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("/dev/zero", error.Location?.File);
        Assert.Contains("64 MiB", error.Message, StringComparison.Ordinal);
    }
}
