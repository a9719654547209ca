using System.Globalization;

namespace ClaudeRunner;

/// <summary>A prompt as it will run: its command and its effective limits, as a dry run shows them.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Command">Its claude command.</param>
/// <param name="CommandLine">The command as text, secrets masked (for display only; it is never run through a shell).</param>
/// <param name="Timeout">The wall-clock limit of each attempt: the prompt's option, else <see cref="RunRequest.DefaultTimeout"/>.</param>
/// <param name="Retries">Attempts after the first for transient failures: the prompt's option, else <see cref="RunRequest.DefaultRetries"/>.</param>
public sealed record PlannedPrompt(Prompt Prompt, ClaudeCommand Command, string CommandLine, TimeSpan Timeout, int Retries)
{
    /// <summary>The prompt's up-to-date key; null when it cannot be computed (claude's version unknown).</summary>
    internal PromptKey? Key { get; init; }

    /// <summary>The recorded success that makes the prompt up to date, so it does not run; null when it runs.</summary>
    public RecordedSuccess? UpToDate { get; init; }

    /// <summary>Why the prompt will or will not run: "up to date (succeeded 2026-11-30 14:02)", "prompt text changed", "input src/a.cs changed", "no earlier success", "forced".</summary>
    public string Freshness { get; init; } = "not checked: claude's version is unknown";

    /// <summary>The prompt's git worktree isolation; null when claude works in the working directory itself.</summary>
    public WorktreeIsolation? Isolation { get; init; }

    /// <summary>
    /// With <see cref="Isolation"/>, where the worktrees go (<c>worktrees</c> under the log directory); null for the
    /// system temp directory (when the log directory is inside the repository's working tree).
    /// </summary>
    public string? WorktreeParent { get; init; }

    /// <summary>1 + <see cref="Retries"/>.</summary>
    public int MaxAttempts => Retries + 1;

    private string Where => Isolation is not { } isolation
        ? Prompt.Options.WorkingDirectory!
        : $"{isolation.RelativeDirectory} of a git worktree of {isolation.Repository} under {WorktreeParent ?? Path.Combine(Path.GetTempPath(), "claude-runner-worktrees-*")}"
            + (isolation.ApplyChanges ? $", its patch applied to {isolation.Repository}" : ", its patch kept, not applied");

    /// <summary>The effective limits in the words every dry run uses: "timeout 30m00s, 2 retries".</summary>
    public string Limits => string.Create(CultureInfo.InvariantCulture, $"timeout {OptionText.FormatDuration(Timeout)}, {Retries} {(Retries == 1 ? "retry" : "retries")}");

    /// <summary>
    /// The line every dry run prints: the prompt's id and command (a line a user can copy), then its limits, where it
    /// runs, the file it is about and whether it is up to date as a shell comment:
    /// <c>review: claude -p … &lt; prompt  # timeout 30m00s, 2 retries, in /repo; runs: input src/a.cs changed</c>.
    /// With worktree isolation, where it runs reads
    /// <c>in src of a git worktree of /repo under /tmp/claude-runner-worktrees-*, its patch applied to /repo</c>.
    /// </summary>
    public string Description =>
        $"{Prompt.Id}: {CommandLine}  # {Limits}, in {Where}{(Prompt.File is { } file ? $", about {file.RelativePath}" : string.Empty)}; {(UpToDate is null ? "runs: " : string.Empty)}{Freshness}";
}
