namespace ClaudeRunner.Tests;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("ANTHROPIC_API_KEY", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("X_AUTH", true)]
    [InlineData("AUTHOR", false)]
    [InlineData("PATH", false)]
    [InlineData("HOME", false)]
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
        Assert.Equal("tok-123456-and-more".Length, redactor.LongestSecret);
    }
}
