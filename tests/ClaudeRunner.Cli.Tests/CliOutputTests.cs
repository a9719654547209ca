namespace ClaudeRunner.Tests;

/// <summary>What the CLI does when its output goes away or carries claude's hostile text, and with input that is not UTF-8.</summary>
public sealed class CliOutputTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData(">/dev/full")]
    [InlineData(">&-")]
    public async Task Standard_output_that_fails_does_not_stop_the_run(string redirection)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // /bin/sh redirections.
        }

        using var cli = CliProcess.StartExecutable(
            "/bin/sh",
            _scratch.Directory,
            _scratch.Environment,
            """{"prompts":["a","b"]}""",
            ["-c", $"exec \"$0\" \"$@\" {redirection}", CliProcess.ExecutablePath, "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0"]);
        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains("\"succeeded\": 2", await File.ReadAllTextAsync(Path.Combine(_scratch.Directory, "claude-logs", "summary.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claude_text_that_would_be_a_ci_command_or_an_escape_sequence_is_neutralised()
    {
        // claude's stderr reaches the failure message that the CLI prints twice.
        var result = await CliProcess.RunWithFakeAsync(_scratch, """{"prompts":["@fake exit=3 no_result stderr=\"forged \u001b]0;title\u0007 ##vso[task.complete result=Failed]\""]}""");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("forged \u241b]0;title\u2407 ##vso", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("##vso[", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standard_input_that_is_not_utf8_is_an_input_error()
    {
        var path = Path.Combine(_scratch.Directory, "latin1.json");
        await File.WriteAllBytesAsync(path, [.. "{\"prompts\": [\"caf"u8.ToArray(), 0xE9, .. "\"]}"u8.ToArray()]);

        using var cli = CliProcess.StartExecutable("/bin/sh", _scratch.Directory, _scratch.Environment, null, ["-c", "exec \"$0\" --dry-run < latin1.json", CliProcess.ExecutablePath]);
        var result = await cli.WaitAsync();

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("<stdin>: the prompts JSON is not valid UTF-8", result.Error, StringComparison.Ordinal);
    }
}
