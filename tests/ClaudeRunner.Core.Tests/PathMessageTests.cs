namespace ClaudeRunner.Tests;

/// <summary>Paths of the wrong kind are called what they are, and a PATH search skips what a shell would not run.</summary>
public sealed class PathMessageTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_directory_given_as_the_prompts_file_is_called_a_directory()
    {
        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromFile(_scratch.Directory)], PromptOptions.None, _scratch.Directory));

        Assert.Equal($"'{_scratch.Directory}' is a directory, not a prompts file.", Assert.Single(ex.Errors).Message);
    }

    [Fact]
    public void A_working_directory_that_is_a_file_is_called_a_file()
    {
        var file = _scratch.WriteFile("plain.txt", "not a directory");

        var ex = Assert.Throws<InvalidInputException>(() => PromptSet.Load([PromptSource.FromPrompts([new PromptInput("hello")])], new PromptOptions { WorkingDirectory = file }, _scratch.Directory));

        Assert.Contains($"The working directory '{file}' is a file, not a directory.", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_claude_without_execute_bits_earlier_on_PATH_is_skipped()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix execute bits.
        }

        var first = Directory.CreateDirectory(Path.Combine(_scratch.Directory, "first")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_scratch.Directory, "second")).FullName;
        File.WriteAllText(Path.Combine(first, "claude"), "not a program");
        File.SetUnixFileMode(Path.Combine(first, "claude"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(second, "claude"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(second, "claude"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (path, error) = ClaudeExecutable.Resolve("claude", _scratch.Directory, string.Join(Path.PathSeparator, first, second));

        Assert.Null(error);
        Assert.Equal(Path.Combine(second, "claude"), path);
    }
}
