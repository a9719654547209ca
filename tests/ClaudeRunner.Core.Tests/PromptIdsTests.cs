namespace ClaudeRunner.Tests;

public sealed class PromptIdsTests
{
    [Fact]
    public void A_derived_id_is_a_slug_of_the_text_and_a_hash_of_all_of_it()
    {
        Assert.Equal("analyse-config-js-and-suggest-improvemen-", PromptIds.Derive("Analyse config.js and suggest improvements")[..41]);
        Assert.Matches("^analyse-config-js-and-suggest-improvemen-[0-9a-f]{8}$", PromptIds.Derive("Analyse config.js and suggest improvements"));
        Assert.Equal(PromptIds.Derive("same text"), PromptIds.Derive("same text"));
        Assert.NotEqual(PromptIds.Derive("review a.cs"), PromptIds.Derive("review b.cs"));
    }

    [Theory]
    [InlineData("Résumé café", "^resume-cafe-[0-9a-f]{8}$")]
    [InlineData("!!!", "^prompt-[0-9a-f]{8}$")]
    [InlineData("Straße ﬁx ①", "^strasse-fix-1-[0-9a-f]{8}$")]
    [InlineData("Привет, мир", "^privet-mir-[0-9a-f]{8}$")]
    [InlineData("日本語のプロンプト", "^ribenyunopuronputo-[0-9a-f]{8}$")]
    [InlineData("😀", "^grinning-[0-9a-f]{8}$")]
    [InlineData("\u0301\u0301", "^prompt-[0-9a-f]{8}$")]
    public void Derived_ids_are_safe_file_names_whatever_the_text(string text, string pattern)
    {
        var id = PromptIds.Derive(text);

        Assert.Matches(pattern, id);
        Assert.Null(PromptIds.Problem(id));
    }

    [Theory]
    [InlineData("review-auth", null)]
    [InlineData("a.b_c-1", null)]
    [InlineData("-starts-with-dash", "not safe as a file name")]
    [InlineData("has space", "not safe as a file name")]
    [InlineData("../escape", "not safe as a file name")]
    [InlineData("CON", "reserved device name")]
    [InlineData("com1.log", "reserved device name")]
    public void Only_safe_file_names_are_ids(string id, string? problem)
    {
        var found = PromptIds.Problem(id);

        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_id_of_101_characters_is_too_long()
    {
        Assert.Null(PromptIds.Problem(new string('a', 100)));
        Assert.NotNull(PromptIds.Problem(new string('a', 101)));
    }

    [Theory]
    [InlineData("x\n")]
    [InlineData("x\r\n")]
    [InlineData("ok\nrm")]
    public void An_id_with_a_line_break_is_not_safe(string id)
    {
        Assert.NotNull(PromptIds.Problem(id));
    }

    [Fact]
    public void A_derived_id_is_made_from_the_masked_text()
    {
        var secrets = SecretRedactor.FromEnvironment([new Dictionary<string, string> { ["CR_TEST_TOKEN"] = "hunter22-secret" }]);

        Assert.Equal(PromptIds.Derive("use *** here"), PromptIds.Derive("use hunter22-secret here", secrets));
    }
}
