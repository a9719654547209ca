namespace ClaudeRunner.Tests;

public sealed class LineSplitterTests
{
    [Fact]
    public void A_secret_split_across_reads_of_an_over_long_line_is_still_masked()
    {
        const string secret = "sk-secret-value-42";
        var redactor = RedactorFor(secret);
        var parts = new List<string>();
        var splitter = new LineSplitter(maxLineLength: 16, redactor, parts.Add, (part, _) => parts.Add(part));
        var line = new string('a', 30) + secret + new string('b', 30) + secret + "\n";
        foreach (var chunk in line.Chunk(7))
        {
            splitter.Feed(chunk);
        }

        splitter.Complete();
        var joined = string.Concat(parts);
        Assert.DoesNotContain(secret, joined, StringComparison.Ordinal);
        Assert.Equal(new string('a', 30) + "***" + new string('b', 30) + "***", joined);
    }

    [Fact]
    public void Lines_are_split_on_line_feeds_and_carriage_returns_dropped()
    {
        var lines = new List<string>();
        var splitter = new LineSplitter(1024, RedactorFor(), lines.Add, (_, _) => Assert.Fail("no line is long"));
        splitter.Feed("one\r\ntw".AsSpan());
        splitter.Feed("o\nthree".AsSpan());
        splitter.Complete();
        Assert.Equal(["one", "two", "three"], lines);
    }

    private static SecretRedactor RedactorFor(params string[] secrets)
    {
        var env = secrets.Select((s, i) => new KeyValuePair<string, string>($"CR_TEST_TOKEN_{i}", s)).ToDictionary();
        return SecretRedactor.FromEnvironment([env]);
    }
}
