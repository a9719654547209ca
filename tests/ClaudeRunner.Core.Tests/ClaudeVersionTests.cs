namespace ClaudeRunner.Tests;

/// <summary>
/// claude's version is asked once per native executable and kept in the cache directory while the file is unchanged.
/// GNU coreutils' echo and true stand for a native claude: ELF executables that answer <c>--version</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClaudeVersionTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string CacheDirectory => Path.Combine(_scratch.Directory, "cache");

    private string RecordDirectory => Path.Combine(CacheDirectory, "claude");

    /// <summary>Asks as a run does: planning, then a success recorded (which writes the version's record).</summary>
    private string? AskAndSucceed(string claude)
    {
        var cache = new ResultCache(CacheDirectory);
        var version = Ask(claude, cache);
        cache.Record(new RecordedSuccess { Key = new string('0', 64), Id = "a", Succeeded = DateTimeOffset.UnixEpoch, RunStart = DateTimeOffset.UnixEpoch });
        return version;
    }

    /// <summary>
    /// Asks, again while the executable just written cannot be started: a process that another test forks in this test
    /// process holds our write handle until it execs, and exec of a file open for writing fails (ETXTBSY).
    /// </summary>
    private static string? Ask(string claude, ResultCache cache)
    {
        for (var tries = 1; ; tries++)
        {
            var (version, problem) = ClaudeVersion.Ask(claude, cache);
            if (version is not null || tries == 50 || problem?.Contains("could not be started", StringComparison.Ordinal) != true)
            {
                return version;
            }

            Thread.Sleep(20);
        }
    }

    private string NativeClaude(string from)
    {
        var path = Path.Combine(_scratch.Directory, "claude");
        File.Copy(from, path, overwrite: true);
        return path;
    }

    [Fact]
    public void A_native_claude_is_asked_once_and_its_answer_kept_while_the_file_is_unchanged()
    {
        var claude = NativeClaude("/bin/echo");

        var first = AskAndSucceed(claude);

        Assert.StartsWith("echo (GNU coreutils)", first, StringComparison.Ordinal);
        var record = Assert.Single(Directory.GetFiles(RecordDirectory));
        // The record, not claude, answers now: an edited record shows through.
        var lines = File.ReadAllLines(record);
        File.WriteAllLines(record, [lines[0], "1.2.3 (recorded)"]);
        Assert.Equal("1.2.3 (recorded)", AskAndSucceed(claude));
        // Through a symbolic link too: the record is for the file, not the name.
        var link = Path.Combine(_scratch.Directory, "claude-link");
        File.CreateSymbolicLink(link, claude);
        Assert.Equal("1.2.3 (recorded)", AskAndSucceed(link));
    }

    [Fact]
    public void A_claude_whose_file_changed_is_asked_again()
    {
        var claude = NativeClaude("/bin/echo");
        AskAndSucceed(claude);

        NativeClaude("/bin/true");

        Assert.StartsWith("true (GNU coreutils)", AskAndSucceed(claude), StringComparison.Ordinal);
    }

    [Fact]
    public void A_claude_written_again_with_the_same_size_and_modification_time_is_asked_again()
    {
        var claude = NativeClaude("/bin/echo");
        AskAndSucceed(claude);
        var record = Assert.Single(Directory.GetFiles(RecordDirectory));
        File.WriteAllLines(record, [File.ReadAllLines(record)[0], "1.2.3 (recorded)"]);
        var modified = File.GetLastWriteTimeUtc(claude);

        // Same bytes, the modification time set back (as npm and tar do, to the 100 ns .NET sets): the change time tells.
        File.WriteAllBytes(claude, File.ReadAllBytes(claude));
        File.SetLastWriteTimeUtc(claude, modified);

        Assert.StartsWith("echo (GNU coreutils)", AskAndSucceed(claude), StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_is_asked_every_time_and_nothing_is_recorded()
    {
        var script = _scratch.WriteFile("claude.sh", "#!/bin/sh\necho \"${VERSION_TO_SAY:-1.0.0} (Claude Code)\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Assert.Equal("1.0.0 (Claude Code)", AskAndSucceed(script));

        Assert.False(Directory.Exists(RecordDirectory));
    }

    [Fact]
    public void Planning_writes_no_record_and_a_record_is_read_without_asking()
    {
        var claude = NativeClaude("/bin/echo");

        Assert.StartsWith("echo (GNU coreutils)", Ask(claude, new ResultCache(CacheDirectory)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(CacheDirectory));
        AskAndSucceed(claude);
        var record = Assert.Single(Directory.GetFiles(RecordDirectory));
        File.WriteAllLines(record, [File.ReadAllLines(record)[0], "1.2.3 (recorded)"]);
        Assert.Equal("1.2.3 (recorded)", Ask(claude, new ResultCache(CacheDirectory)));
    }

    [Fact]
    public void The_stat_fields_are_those_of_the_file()
    {
        var file = _scratch.WriteFile("some.txt", "twelve bytes");

        var status = UnixFileStatus.Of(file, out var errno);

        Assert.Equal(0, errno);
        Assert.NotNull(status);
        Assert.Equal(12, status.Value.Size);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(file)).ToUnixTimeSeconds(), status.Value.MTime);
        var inode = OneShotProcess.Run("stat", ["-c", "%i %u", file], null, TimeSpan.FromSeconds(30));
        Assert.Equal($"{status.Value.Ino} {status.Value.Uid}", inode!.Output.Trim());
        Assert.Null(UnixFileStatus.Of(Path.Combine(_scratch.Directory, "missing"), out var missing));
        Assert.Equal(2, missing); // ENOENT
    }
}
