using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeRunner.Tests;

/// <summary>
/// isolation: worktree against real git repositories: each attempt in its own worktree, its changes as a patch, the
/// patches of the prompts that succeeded applied back in input order or Conflicted, and no worktree left behind.
/// </summary>
public sealed class WorktreeIsolationTests : IDisposable
{
    private readonly FakeClaudeScratch _scratch = new();

    public WorktreeIsolationTests()
    {
        _scratch.WriteFile("a.txt", "a1\na2\na3\n");
        _scratch.WriteFile("b.txt", "b1\n");
        ScratchGit.InitWithCommit(_scratch.Directory);
    }

    public void Dispose() => _scratch.Dispose();

    private string Repository => _scratch.Directory;

    private string Read(string path) => File.ReadAllText(Path.Combine(Repository, path));

    private void Commit(string path, string content)
    {
        _scratch.WriteFile(path, content);
        ScratchGit.Run(Repository, "add", path);
        ScratchGit.Run(Repository, "commit", "-q", "-m", path);
    }

    private RunRequest Isolated(params PromptInput[] prompts)
    {
        var request = FakeRuns.Request(_scratch, prompts);
        return request with { Defaults = request.Defaults with { Isolation = WorktreeIsolation.Worktree } };
    }

    private static PromptInput Prompt(string id, string directives, PromptOptions? options = null) => new($"Change files\n@fake {directives}", id, options);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Two_prompts_editing_different_files_both_land_and_no_worktree_is_left()
    {
        var before = ScratchGit.Worktrees(Repository);

        var summary = await FakeRuns.RunAsync(Isolated(Prompt("edit-a", """write="a.txt:A\n" """), Prompt("edit-b", """write="b.txt:B\n" write="new/c.txt:C\n" """)));

        Assert.All(summary.Results, r => Assert.Equal(Outcome.Succeeded, r.Outcome));
        Assert.Equal(("A\n", "B\n", "C\n"), (Read("a.txt"), Read("b.txt"), Read("new/c.txt")));
        Assert.Equal(["M a.txt"], summary.Results[0].Changes!.Files.Select(f => f.ToString()));
        Assert.Equal(["M b.txt", "A new/c.txt"], summary.Results[1].Changes!.Files.Select(f => f.ToString()));
        Assert.All(summary.Results, r => Assert.True(r.Changes!.Applied));
        // claude worked elsewhere: in a worktree that is gone now.
        Assert.All(_scratch.Invocations(), i => Assert.False(i.Cwd.StartsWith(Repository, StringComparison.Ordinal), i.Cwd));
        Assert.All(_scratch.Invocations(), i => Assert.False(Directory.Exists(i.Cwd), i.Cwd));
        Assert.Equal(before, ScratchGit.Worktrees(Repository));
        // The patch is beside the logs, owner-only; summary.json lists the files.
        var patch = Path.Combine(_scratch.LogDirectory, "edit-b.patch");
        Assert.Contains("+C", File.ReadAllText(patch), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(patch));
        using var json = JsonDocument.Parse(File.ReadAllText(summary.SummaryFile!));
        var changes = json.RootElement.GetProperty("prompts")[1].GetProperty("changes");
        Assert.Equal((patch, true, "new/c.txt"), (changes.GetProperty("patch").GetString(), changes.GetProperty("applied").GetBoolean(), changes.GetProperty("files")[1].GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Two_prompts_editing_the_same_lines_apply_the_first_and_make_the_second_Conflicted()
    {
        var request = Isolated(Prompt("first", """write="a.txt:a1\nFIRST\na3\n" """), Prompt("second", """write="a.txt:a1\nSECOND\na3\n" """));
        var summary = await FakeRuns.RunAsync(request);

        Assert.Equal((Outcome.Succeeded, Outcome.Conflicted), (summary.Results[0].Outcome, summary.Results[1].Outcome));
        Assert.Equal("a1\nFIRST\na3\n", Read("a.txt"));
        var conflicted = summary.Results[1];
        Assert.Contains("conflict with the main working tree in a.txt", conflicted.Message, StringComparison.Ordinal);
        Assert.False(conflicted.Changes!.Applied);
        Assert.Contains("+SECOND", File.ReadAllText(conflicted.Changes.PatchFile), StringComparison.Ordinal);
        Assert.False(summary.AllSucceeded);
        // Only a success whose patch applied is recorded: the conflicted prompt runs again next time, on the tree as it is now.
        var again = await FakeRuns.RunAsync(request);
        Assert.Equal((Outcome.UpToDate, Outcome.Succeeded), (again.Results[0].Outcome, again.Results[1].Outcome));
        Assert.Equal("a1\nSECOND\na3\n", Read("a.txt"));
    }

    [Fact]
    public async Task A_delete_a_rename_and_a_binary_file_travel_in_the_patch()
    {
        Commit("old.txt", "moved content\nline 2\nline 3\n");

        var result = Assert.Single((await FakeRuns.RunAsync(Isolated(Prompt("moves", "delete=b.txt rename=old.txt:moved/new.txt binary=data.bin")))).Results);

        Assert.Equal(Outcome.Succeeded, result.Outcome);
        Assert.Equal(["A data.bin", "D b.txt", "R old.txt -> moved/new.txt"], result.Changes!.Files.Select(f => f.ToString()).Order());
        Assert.False(File.Exists(Path.Combine(Repository, "b.txt")));
        Assert.False(File.Exists(Path.Combine(Repository, "old.txt")));
        Assert.Equal("moved content\nline 2\nline 3\n", Read("moved/new.txt"));
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)i), File.ReadAllBytes(Path.Combine(Repository, "data.bin")));
    }

    [Fact]
    public async Task The_prompt_sees_the_uncommitted_changes_and_its_patch_holds_only_its_own()
    {
        _scratch.WriteFile("a.txt", "user edit\n");
        _scratch.WriteFile("staged.txt", "staged\n");
        ScratchGit.Run(Repository, "add", "staged.txt");
        _scratch.WriteFile("untracked.txt", "not carried\n");

        var result = Assert.Single((await FakeRuns.RunAsync(Isolated(Prompt("reader", "read=a.txt write=out.txt:seen")))).Results);

        Assert.Equal((Outcome.Succeeded, "user edit\n"), (result.Outcome, result.ResultText));
        Assert.Equal(["A out.txt"], result.Changes!.Files.Select(f => f.ToString()));
        Assert.Equal(("user edit\n", "staged\n", "seen"), (Read("a.txt"), Read("staged.txt"), Read("out.txt")));
        Assert.Contains("A  staged.txt", ScratchGit.Run(Repository, "status", "--short"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_whose_changes_wait_for_the_end_of_the_run_is_reported_pending_then_finished_once_applied()
    {
        var observer = new RecordingObserver();
        using var cancel = new CancellationTokenSource();
        var run = FakeRuns.RunAsync(Isolated(Prompt("quick", "write=a.txt:A"), Prompt("held", "hang")), observer, cancel.Token);

        await observer.WhenAsync(e => e is PromptChangesPending { Result.Id: "quick" });

        // Its claude is gone, its changes not yet applied: front ends stop showing it as running, and it is not done.
        Assert.DoesNotContain(observer.Events, e => e is PromptFinished);
        Assert.Equal("quick succeeded in its worktree; its changes are applied at the end of the run", observer.Events.OfType<PromptChangesPending>().Single().ToString());
        Assert.NotEqual("A", Read("a.txt"));
        await cancel.CancelAsync();
        var summary = await run;

        var finished = observer.Events.OfType<PromptFinished>().Select(f => f.Result.Id).ToList();
        Assert.Equal(["held", "quick"], finished);
        Assert.True(summary.Results.Single(r => r.Id == "quick").Changes!.Applied);
        Assert.Equal("A", Read("a.txt"));
    }

    [Fact]
    public async Task A_cancelled_prompt_leaves_the_main_tree_untouched_while_it_runs_keeps_its_patch_and_no_worktree()
    {
        _scratch.WriteFile("a.txt", "user edit\n");
        var before = ScratchGit.Worktrees(Repository);
        using var cancel = new CancellationTokenSource();
        var run = FakeRuns.RunAsync(Isolated(Prompt("hangs", """write="a.txt:prompt\n" hang""")), cancellation: cancel.Token);

        await _scratch.WaitForReadyAsync(1);
        var worktreeFile = Path.Combine(await StartedInAsync(), "a.txt");
        while (!File.Exists(worktreeFile) || File.ReadAllText(worktreeFile) != "prompt\n")
        {
            await Task.Delay(20);
        }

        Assert.Equal("user edit\n", Read("a.txt"));
        Assert.NotEqual(before, ScratchGit.Worktrees(Repository));
        await cancel.CancelAsync();
        var result = Assert.Single((await run).Results);

        Assert.Equal(Outcome.Cancelled, result.Outcome);
        Assert.Equal(("M a.txt", false), (result.Changes!.Files.Single().ToString(), result.Changes.Applied));
        Assert.Contains("+prompt", File.ReadAllText(result.Changes.PatchFile), StringComparison.Ordinal);
        Assert.Equal("user edit\n", Read("a.txt"));
        Assert.Equal(before, ScratchGit.Worktrees(Repository));
        Assert.False(Directory.Exists(Path.GetDirectoryName(worktreeFile)));
    }

    [Fact]
    public async Task A_timed_out_prompt_leaves_no_worktree()
    {
        var before = ScratchGit.Worktrees(Repository);
        var time = new FakeTimeProvider();
        var observer = new RecordingObserver();
        var run = FakeRuns.RunAsync(Isolated(Prompt("slow", "write=a.txt:x hang", new PromptOptions { Timeout = TimeSpan.FromMinutes(1) })) with { TimeProvider = time }, observer);

        await FakeClock.WhenClaudeStartedAsync(observer, _scratch);
        time.Advance(TimeSpan.FromMinutes(1));
        var result = Assert.Single((await run).Results);

        Assert.Equal(Outcome.TimedOut, result.Outcome);
        Assert.Equal(before, ScratchGit.Worktrees(Repository));
        Assert.Equal("a1\na2\na3\n", Read("a.txt"));
    }

    [Fact]
    public async Task A_failed_prompt_keeps_its_patch_and_it_is_not_applied()
    {
        var result = Assert.Single((await FakeRuns.RunAsync(Isolated(Prompt("fails", "write=a.txt:broken subtype=error_max_turns")))).Results);

        Assert.Equal(Outcome.Failed, result.Outcome);
        Assert.Equal(("M a.txt", false), (result.Changes!.Files.Single().ToString(), result.Changes.Applied));
        Assert.Contains("+broken", File.ReadAllText(result.Changes.PatchFile), StringComparison.Ordinal);
        Assert.Equal("a1\na2\na3\n", Read("a.txt"));
    }

    [Fact]
    public async Task Without_ApplyChanges_the_run_only_produces_patches()
    {
        var result = Assert.Single((await FakeRuns.RunAsync(Isolated(Prompt("patch-only", "write=a.txt:new", new PromptOptions { ApplyChanges = false })))).Results);

        Assert.Equal((Outcome.Succeeded, false), (result.Outcome, result.Changes!.Applied));
        Assert.Equal("a1\na2\na3\n", Read("a.txt"));
        ScratchGit.Run(Repository, "apply", result.Changes.PatchFile);
        Assert.Equal("new", Read("a.txt"));
    }

    [Fact]
    public async Task Each_attempt_runs_in_a_fresh_worktree_at_the_working_directory_s_place()
    {
        Commit("sub/s.txt", "s\n");
        var logs = Directory.CreateTempSubdirectory("claude-runner-logs-").FullName;
        try
        {
            var request = Isolated(Prompt("retried", "fail_first=1 write=s.txt:again", new PromptOptions { Retries = 1, WorkingDirectory = Path.Combine(Repository, "sub") })) with { LogDirectory = logs };

            var result = Assert.Single((await FakeRuns.RunAsync(request)).Results);

            Assert.Equal((Outcome.Succeeded, 2), (result.Outcome, result.Attempts));
            // A log directory outside the repository holds the worktrees, one per attempt, all gone now.
            Assert.Equal([Path.Combine(logs, "worktrees", "retried.1", "sub"), Path.Combine(logs, "worktrees", "retried.2", "sub")], _scratch.Invocations().Select(i => i.Cwd));
            Assert.False(Directory.Exists(Path.Combine(logs, "worktrees")));
            Assert.Equal(["M sub/s.txt"], result.Changes!.Files.Select(f => f.ToString()));
            Assert.Equal("again", Read("sub/s.txt"));
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }

    [Fact]
    public void A_working_directory_outside_git_is_an_input_error_at_the_prompt_and_nothing_runs()
    {
        using var outside = new FakeClaudeScratch();
        var file = outside.WriteFile("prompts.json", """
            {"prompts": [
              "plain",
              {"id": "isolated", "prompt": "x", "isolation": "worktree"}
            ]}
            """);
        var request = FakeRuns.Request(outside) with { Sources = [PromptSource.FromFile(file)] };

        var error = Assert.Single(Assert.Throws<InvalidInputException>(() => ClaudeRunnerEngine.Plan(request)).Errors);

        Assert.Contains("needs a git repository, and the working directory", error.Message, StringComparison.Ordinal);
        Assert.Equal((file, 3), (error.Location!.File, error.Location.Line));
        Assert.Empty(outside.Invocations());
    }

    [Fact]
    public void The_dry_run_shows_the_isolation_and_where_each_prompt_would_run()
    {
        var plan = ClaudeRunnerEngine.Plan(Isolated(Prompt("one", "write=a.txt:x"), Prompt("two", "write=a.txt:x", new PromptOptions { Isolation = WorktreeIsolation.None })));

        Assert.Contains($"in . of a git worktree of {Repository} under {Path.Combine(Path.GetTempPath(), "claude-runner-worktrees-*")}, its patch applied to {Repository};", plan.Prompts[0].Description, StringComparison.Ordinal);
        Assert.Contains($"in {Repository};", plan.Prompts[1].Description, StringComparison.Ordinal);
    }

    /// <summary>The working directory of the one FakeClaude started: its worktree.</summary>
    private async Task<string> StartedInAsync()
    {
        while (_scratch.Invocations().Count == 0)
        {
            await Task.Delay(20);
        }

        return _scratch.Invocations()[0].Cwd;
    }
}
