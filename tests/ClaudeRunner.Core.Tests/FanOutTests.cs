namespace ClaudeRunner.Tests;

/// <summary>foreach: one prompt per matching file, with placeholders, stable ids and changedSince against a real git repository.</summary>
public sealed class FanOutTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private PromptSet Load(string json) =>
        PromptSet.Load([PromptSource.FromFile(_scratch.WriteFile("prompts.json", json))], PromptOptions.None, _scratch.Directory);

    private IReadOnlyList<InputError> Errors(string json) =>
        Assert.Throws<InvalidInputException>(() => Load(json)).Errors;

    private void Files(params string[] paths)
    {
        foreach (var path in paths)
        {
            _scratch.WriteFile(path, $"// {path}\n");
        }
    }

    [Fact]
    public void A_foreach_prompt_runs_once_per_matching_file_in_path_order_without_excluded_files()
    {
        Files("src/b.cs", "src/a.cs", "src/obj/gen.cs", "src/c.g.cs", "src/sub/d.cs", "readme.md");

        var set = Load("""{"prompts": [{"id": "review", "prompt": "Review {file}", "foreach": ["src/**/*.cs", "!**/obj/**", "!**/*.g.cs", "src/a.cs"]}]}""");

        Assert.Equal(["src/a.cs", "src/b.cs", "src/sub/d.cs"], set.Prompts.Select(p => p.File!.RelativePath));
        Assert.Equal(["Review src/a.cs", "Review src/b.cs", "Review src/sub/d.cs"], set.Prompts.Select(p => p.Text));
        Assert.Equal(["review--src-a-cs", "review--src-b-cs", "review--src-sub-d-cs"], set.Prompts.Select(p => p.Id));
    }

    [Theory]
    [InlineData("\"src/**/*.cs\", \"!src/obj/**\"", "src/a.cs,src/sub/d.cs")]
    [InlineData("\"src/sub/*.cs\", \"src/a.cs\"", "src/a.cs,src/sub/d.cs")]
    [InlineData("\"./src/sub/*.cs\", \"!**/d.cs\"", "")]
    [InlineData("\"src/**/*.cs\", \"!*/a.cs\", \"!src/obj/**\"", "src/sub/d.cs")]
    [InlineData("\"src/*.cs\", \"lib/*.cs\"", "lib/l.cs,src/a.cs")]
    public void Globs_with_fixed_folders_and_excludes_anywhere_match_as_from_the_working_directory(string globs, string expected)
    {
        Files("src/a.cs", "src/obj/o.cs", "src/sub/d.cs", "lib/l.cs", "other/x.cs");

        var set = Load($$"""{"prompts": [{"id": "r", "prompt": "Review {file}", "foreach": [{{globs}}]}]}""");

        Assert.Equal(expected, string.Join(',', set.Prompts.Select(p => p.File!.RelativePath)));
    }

    [Fact]
    public void Every_placeholder_and_literal_braces_render_in_the_prompt_the_system_prompt_and_the_arguments()
    {
        Files("lib/util.test.js");

        var prompt = Assert.Single(Load("""
            {"prompts": [{"prompt": "{file}|{fullPath}|{fileName}|{fileStem}|{dir}|{ext}|{{file}}|{ \"json\": 1 }",
              "foreach": "lib/*.js", "appendSystemPrompt": "About {fileName}", "args": ["--add-dir", "{dir}"]}]}
            """).Prompts);

        var full = Path.Combine(_scratch.Directory, "lib", "util.test.js");
        Assert.Equal($"lib/util.test.js|{full}|util.test.js|util.test|lib|.js|{{file}}|{{ \"json\": 1 }}", prompt.Text);
        Assert.Equal("About util.test.js", prompt.Options.AppendSystemPrompt);
        Assert.Equal(["--add-dir", "lib"], prompt.Options.Args!);
    }

    [Fact]
    public void An_unknown_placeholder_is_an_error_naming_it_its_field_and_position()
    {
        Files("a.cs");

        var errors = Errors("""{"prompts": [{"prompt": "Review {fiel}", "foreach": "*.cs", "args": ["{nope}"]}]}""");

        Assert.Equal(2, errors.Count);
        Assert.Equal("In \"prompt\": Unknown placeholder '{fiel}' at character 8: use {file}, {fullPath}, {fileName}, {fileStem}, {dir}, {ext}, or {{ and }} for braces.", errors[0].Message);
        Assert.StartsWith("In \"args\": Unknown placeholder '{nope}' at character 1", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal((1, 25), (errors[0].Location!.Line, errors[0].Location!.Column));
    }

    [Fact]
    public void A_placeholder_without_foreach_is_an_error_but_other_braces_are_text()
    {
        var error = Assert.Single(Errors("""{"prompts": ["Review {file}", "Return JSON like {\"ok\": true} or {x}"]}"""));

        Assert.Contains("'{file}' at character 8 needs \"foreach\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("Return JSON like {\"ok\": true} or {x}", Load("""{"prompts": ["Return JSON like {\"ok\": true} or {x}"]}""").Prompts[0].Text);
    }

    [Fact]
    public void Ids_stay_the_same_when_files_are_added_or_removed_elsewhere()
    {
        Files("src/a.cs", "src/b.cs");
        const string Json = """{"prompts": [{"prompt": "Review {file}", "foreach": "src/*.cs"}]}""";
        var before = Load(Json).Prompts.ToDictionary(p => p.File!.RelativePath, p => p.Id);

        File.Delete(Path.Combine(_scratch.Directory, "src", "a.cs"));
        Files("src/0.cs", "src/z.cs");
        var after = Load(Json).Prompts.ToDictionary(p => p.File!.RelativePath, p => p.Id);

        Assert.Equal(before["src/b.cs"], after["src/b.cs"]);
        Assert.StartsWith(PromptIds.Derive("Review {file}") + "--", after["src/b.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Two_paths_with_one_slug_get_distinct_ids()
    {
        Files("a-b.cs", "a.b.cs");

        var ids = Load("""{"prompts": [{"id": "r", "prompt": "Review {file}", "foreach": "*.cs"}]}""").Prompts.Select(p => p.Id).ToList();

        Assert.Equal("r--a-b-cs", ids[0]);
        Assert.Matches("^r--a-b-cs-[0-9a-f]{8}$", ids[1]);
    }

    [Fact]
    public void A_foreach_that_matches_nothing_is_a_warning_and_a_valid_empty_set()
    {
        var set = Load("""{"prompts": [{"prompt": "Review {file}", "foreach": ["src/**/*.cs", "!**/obj/**"]}]}""");

        Assert.Empty(set.Prompts);
        Assert.Contains("'src/**/*.cs', '!**/obj/**' matched no file", Assert.Single(set.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal("No prompts provided.", Assert.Single(Errors("""{"prompts": []}""")).Message);
    }

    [Theory]
    [InlineData("""{"prompts": [{"prompt": "x", "foreach": 3}]}""", "\"foreach\" must be a glob or a non-empty array of globs")]
    [InlineData("""{"prompts": [{"prompt": "x", "foreach": []}]}""", "\"foreach\" must be a glob or a non-empty array of globs")]
    [InlineData("""{"prompts": [{"prompt": "x", "foreach": "/etc/*"}]}""", "must be relative to the prompt's working directory")]
    [InlineData("""{"prompts": [{"prompt": "x", "changedSince": "main"}]}""", "\"changedSince\" needs \"foreach\"")]
    public void Bad_foreach_input_is_an_error(string json, string message) =>
        Assert.Contains(message, Assert.Single(Errors(json)).Message, StringComparison.Ordinal);

    [Fact]
    public void ChangedSince_keeps_committed_staged_modified_and_untracked_files_and_drops_deleted_and_ignored_ones()
    {
        Files("unchanged.cs", "modified.cs", "deleted.cs", "committed.cs", ".gitignore");
        File.WriteAllText(Path.Combine(_scratch.Directory, ".gitignore"), "ignored.cs\nclaude-logs/\nrecords/\nstate/\n");
        Git("init", "-q", "-b", "main");
        Git("add", ".");
        Git("commit", "-q", "-m", "base");
        Git("tag", "base");
        File.AppendAllText(Path.Combine(_scratch.Directory, "committed.cs"), "// new\n");
        Git("commit", "-q", "-am", "later");
        File.AppendAllText(Path.Combine(_scratch.Directory, "modified.cs"), "// edit\n");
        File.Delete(Path.Combine(_scratch.Directory, "deleted.cs"));
        Files("untracked.cs", "ignored.cs", "staged.cs");
        Git("add", "staged.cs");

        var set = Load("""{"prompts": [{"prompt": "Review {file}", "foreach": "*.cs", "changedSince": "base"}]}""");

        Assert.Equal(["committed.cs", "modified.cs", "staged.cs", "untracked.cs"], set.Prompts.Select(p => p.File!.RelativePath));
    }

    [Fact]
    public void ChangedSince_outside_git_or_with_an_unknown_ref_is_an_error()
    {
        Files("a.cs");
        const string Json = """{"prompts": [{"prompt": "Review {file}", "foreach": "*.cs", "changedSince": "nope"}]}""";

        Assert.Contains("is not inside one", Assert.Single(Errors(Json)).Message, StringComparison.Ordinal);
        Git("init", "-q");
        Assert.Contains("'nope' is not a commit", Assert.Single(Errors(Json)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_memory_file_prompts_take_their_file_and_id_from_the_input()
    {
        Files("src/a.cs", "src/b.cs");

        var set = PromptSet.Load(
            [PromptSource.FromPrompts([new PromptInput("Test {file}") { File = "src/a.cs" }, new PromptInput("Test {file}", Id: "b-tests") { File = "src/b.cs" }, new PromptInput("Test {fileStem}") { Foreach = ["src/*.cs"] }])],
            PromptOptions.None,
            _scratch.Directory);

        Assert.Equal([PromptIds.Derive("Test {file}") + "--src-a-cs", "b-tests", PromptIds.Derive("Test {fileStem}") + "--src-a-cs", PromptIds.Derive("Test {fileStem}") + "--src-b-cs"], set.Prompts.Select(p => p.Id));
        Assert.Equal(["Test src/a.cs", "Test src/b.cs", "Test a", "Test b"], set.Prompts.Select(p => p.Text));
    }

    private void Git(params string[] arguments) => ScratchGit.Run(_scratch.Directory, arguments);
}
