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
    /// <summary>1 + <see cref="Retries"/>.</summary>
    public int MaxAttempts => Retries + 1;

    /// <summary>The effective limits in the words every dry run uses: "timeout 30m00s, 2 retries".</summary>
    public string Limits => string.Create(CultureInfo.InvariantCulture, $"timeout {OptionText.FormatDuration(Timeout)}, {Retries} {(Retries == 1 ? "retry" : "retries")}");

    /// <summary>
    /// The line every dry run prints: the prompt's id and command (a line a user can copy), then its limits, where it
    /// runs and the file it is about as a shell comment: <c>review: claude -p … &lt; prompt  # timeout 30m00s, 2 retries, in /repo</c>.
    /// </summary>
    public string Description =>
        $"{Prompt.Id}: {CommandLine}  # {Limits}, in {Prompt.Options.WorkingDirectory}{(Prompt.File is { } file ? $", about {file.RelativePath}" : string.Empty)}";
}
