namespace ClaudeRunner.Tests;

public sealed class ConsoleTextTests
{
    [Theory]
    [InlineData("\u001b]0;owned\u0007title", "\u241b]0;owned\u2407title")]
    [InlineData("red \u001b[31mtext\u001b[0m", "red \u241b[31mtext\u241b[0m")]
    [InlineData("c1 \u009b31m csi", "c1 \ufffd31m csi")]
    [InlineData("over\rwrite", "over\u240dwrite")]
    [InlineData("bidi \u202eevil", "bidi \ufffdevil")]
    [InlineData("tabs\tand\nlines stay", "tabs\tand\nlines stay")]
    public void Control_sequences_are_shown_not_obeyed(string text, string expected)
    {
        Assert.Equal(expected, ConsoleText.Neutralise(text));
    }

    [Theory]
    [InlineData("::error file=a.cs::forged")]
    [InlineData("answer\n  ::add-mask::x")]
    [InlineData("##vso[task.setvariable variable=x]y")]
    [InlineData("text ##vso[task.complete result=Failed]")]
    [InlineData("##[error]forged")]
    [InlineData("ok\r::warning::x")]
    [InlineData("##teamcity[buildStatus status='SUCCESS' text='forged']")]
    [InlineData("answer: ##teamcity[buildProblem description='forged']")]
    public void Ci_commands_are_broken(string text)
    {
        var safe = ConsoleText.Neutralise(text);

        foreach (var line in safe.Split('\n'))
        {
            Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), safe);
            Assert.False(line.TrimStart().StartsWith("##[", StringComparison.Ordinal), safe);
            Assert.DoesNotContain("##vso[", line, StringComparison.Ordinal);
            Assert.DoesNotContain("##teamcity[", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ordinary_text_is_kept()
    {
        Assert.Equal("a: b :: c # d ## e", ConsoleText.Neutralise("a: b :: c # d ## e"));
    }
}
