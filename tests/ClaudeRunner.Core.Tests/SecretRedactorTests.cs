namespace ClaudeRunner.Tests;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("ANTHROPIC_API_KEY", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("X_AUTH", true)]
    [InlineData("DB_PASS", true)]
    [InlineData("MYSQL_PWD", true)]
    [InlineData("PGPASSWORD", true)]
    [InlineData("PGPASSFILE", true)]
    [InlineData("DATABASE_URL", true)]
    [InlineData("REDIS_URL", true)]
    [InlineData("SENTRY_DSN", true)]
    [InlineData("SLACK_WEBHOOK_URL", true)]
    [InlineData("AUTHOR", false)]
    [InlineData("PATH", false)]
    [InlineData("HOME", false)]
    [InlineData("PWD", false)]
    [InlineData("OLDPWD", false)]
    [InlineData("PASSAGE", false)]
    [InlineData("SSH_AUTH_SOCK", false)]
    [InlineData("HOMEPAGE_URL", false)]
    public void Secret_names_are_recognised(string name, bool secret) => Assert.Equal(secret, SecretRedactor.IsSecretName(name));

    [Fact]
    public void Values_of_secret_variables_are_masked_longest_first_and_others_kept()
    {
        var redactor = SecretRedactor.FromEnvironment([new Dictionary<string, string>
        {
            ["MY_TOKEN"] = "tok-123456",
            ["MY_LONGER_TOKEN"] = "tok-123456-and-more",
            ["PLAIN"] = "visible-value",
        }]);

        Assert.Equal("a *** b *** c visible-value", redactor.Redact("a tok-123456-and-more b tok-123456 c visible-value"));
        // Room for the longest secret escaped char by char (\u0074…).
        Assert.Equal("tok-123456-and-more".Length * 6, redactor.LongestSecret);
    }

    [Theory]
    [InlineData("abcd", true)]
    [InlineData("abc", false)]
    [InlineData("true", false)]
    [InlineData("False", false)]
    [InlineData("none", false)]
    [InlineData("12345", false)]
    [InlineData("123456", true)]
    [InlineData("1234", false)]
    [InlineData("12a4", true)]
    public void Values_of_4_or_more_characters_are_masked_except_setting_words_and_small_numbers(string value, bool masked)
    {
        var redactor = SecretRedactor.FromEnvironment([new Dictionary<string, string> { ["CR_TEST_SECRET"] = value }]);

        Assert.Equal(masked ? "[***]" : $"[{value}]", redactor.Redact($"[{value}]"));
    }

    [Fact]
    public void A_numeric_secret_is_masked_only_as_a_whole_number()
    {
        var redactor = SecretRedactor.FromEnvironment([new Dictionary<string, string> { ["CR_TEST_PASSWORD"] = "123456" }]);

        Assert.Equal("pin *** not 1234567 or 0123456", redactor.Redact("pin 123456 not 1234567 or 0123456"));
    }

    [Theory]
    [InlineData("\"a\\b/c\nd\"", "x *** y")]
    [InlineData("a\\\"b", "x *** y")]
    public void A_secret_is_masked_raw_and_in_every_json_escaped_form(string secret, string expected)
    {
        var redactor = SecretRedactor.FromEnvironment([new Dictionary<string, string> { ["CR_TEST_TOKEN"] = secret }]);
        var json = System.Text.Json.JsonSerializer.Serialize(secret);
        var forms = new[]
        {
            secret,
            json[1..^1],
            System.Text.Json.JsonSerializer.Serialize(json[1..^1])[1..^1],
            string.Concat(secret.Select(c => $"\\u{(int)c:x4}")),
            string.Concat(secret.Select(c => $"\\u{(int)c:X4}")),
            json[1..^1].Replace("/", "\\/", StringComparison.Ordinal),
        };

        foreach (var form in forms)
        {
            Assert.Equal(expected, redactor.Redact($"x {form} y"));
        }
    }
}
