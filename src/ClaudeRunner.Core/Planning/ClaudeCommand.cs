using System.Globalization;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// The exact claude invocation of one prompt: executable, argument list, working directory and extra
/// environment. The prompt itself is not an argument: it goes to stdin, because argv is limited to
/// 128 KiB per argument on Linux and arguments show up in process listings.
/// </summary>
public sealed record ClaudeCommand
{
    private ClaudeCommand(string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, OutputSchema? output)
    {
        Output = output;
        FileName = fileName;
        Arguments = arguments;
        WorkingDirectory = workingDirectory;
        Environment = environment;
    }

    /// <summary>The executable.</summary>
    public string FileName { get; }

    /// <summary>The arguments, one element each, passed without a shell.</summary>
    public IReadOnlyList<string> Arguments { get; private init; }

    /// <summary>The directory claude runs in.</summary>
    public string WorkingDirectory { get; private init; }

    /// <summary>Environment variables set on top of the runner's own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The runner's environment variables claude does not inherit (in a worktree: those that would point git elsewhere).</summary>
    public IReadOnlyList<string> ClearedVariables { get; private init; } = [];

    /// <summary>The schema the answer must follow (<c>--json-schema</c>), when the prompt asked for structured output.</summary>
    internal OutputSchema? Output { get; }

    /// <summary>Builds the command of <paramref name="prompt"/>.</summary>
    public static ClaudeCommand For(Prompt prompt, string claudePath, bool dangerouslySkipPermissions)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var options = prompt.Options;
        var args = new List<string> { "-p", "--output-format", "stream-json", "--verbose" };
        if (options.Model is { } model)
        {
            args.Add("--model");
            args.Add(model);
        }

        if (options.MaxTurns is { } turns)
        {
            args.Add("--max-turns");
            args.Add(turns.ToString(CultureInfo.InvariantCulture));
        }

        if (options.MaxBudgetUsd is { } budget)
        {
            args.Add("--max-budget-usd");
            args.Add(budget.ToString(CultureInfo.InvariantCulture));
        }

        // One element per tool: tool patterns such as "Bash(git diff:*)" contain spaces.
        if (options.AllowedTools is { Count: > 0 } allowed)
        {
            args.Add("--allowedTools");
            args.AddRange(allowed);
        }

        if (options.DisallowedTools is { Count: > 0 } disallowed)
        {
            args.Add("--disallowedTools");
            args.AddRange(disallowed);
        }

        var output = options.Findings == true ? FindingsReport.Schema : options.OutputSchema is { } schema ? new OutputSchema(schema) : null;
        if (output is not null)
        {
            // Inline: claude refuses a path (docs/claude-cli.md, "Structured output").
            args.Add("--json-schema");
            args.Add(output.Argument);
        }

        var system = options.Findings == true ? FindingsReport.SystemPrompt(options.AppendSystemPrompt) : options.AppendSystemPrompt;
        if (system is not null)
        {
            args.Add("--append-system-prompt");
            args.Add(system);
        }

        if (options.PermissionMode is { } mode)
        {
            args.Add("--permission-mode");
            args.Add(mode);
        }
        else if (dangerouslySkipPermissions)
        {
            args.Add("--dangerously-skip-permissions");
        }

        if (options.Args is { } extra)
        {
            args.AddRange(extra);
        }

        return new ClaudeCommand(
            claudePath,
            args,
            options.WorkingDirectory ?? System.Environment.CurrentDirectory,
            options.Env ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty,
            output);
    }

    /// <summary>
    /// The same command run in <paramref name="directory"/> (an attempt's worktree), without the variables a git hook
    /// sets (<c>GIT_DIR</c>, <c>GIT_INDEX_FILE</c>, …): with them, claude's git would work on the user's repository.
    /// </summary>
    internal ClaudeCommand In(string directory) => this with { WorkingDirectory = directory, ClearedVariables = Git.RepositoryVariables };

    /// <summary>Whether the command passes <c>--dangerously-skip-permissions</c> (claude refuses it as root).</summary>
    public bool SkipsPermissions => Arguments.Contains("--dangerously-skip-permissions");

    /// <summary>What a resumed attempt sends instead of the prompt: the conversation so far comes from the session.</summary>
    public const string ResumePrompt = "Your previous run of this task was interrupted. Continue from where it stopped and finish the task.";

    /// <summary>claude's words when <c>--resume</c> names a session it has no transcript of (docs/claude-cli.md "Sessions").</summary>
    public const string ResumeRefusal = "No conversation found";

    /// <summary>The flags the runner sets per attempt (ResumeOnRetry); the prompt's own <c>args</c> must not set them.</summary>
    public static IReadOnlyList<string> SessionFlags { get; } = ["--session-id", "--resume", "-r", "--fork-session", "--continue", "-c"];

    /// <summary>
    /// This command for one attempt: its own session <paramref name="sessionId"/>, and when <paramref name="resumeFrom"/>
    /// is given, a fork of that session (<c>--resume … --fork-session</c>), so every attempt keeps its own transcript
    /// and no two processes ever write one session.
    /// </summary>
    public ClaudeCommand ForAttempt(Guid sessionId, string? resumeFrom)
    {
        List<string> session = resumeFrom is null
            ? ["--session-id", sessionId.ToString()]
            : ["--resume", resumeFrom, "--fork-session", "--session-id", sessionId.ToString()];
        return this with { Arguments = [.. Arguments, .. session] };
    }

    /// <summary>
    /// The command as a POSIX shell would read it, for logs and dry runs only (it is never run
    /// through a shell): <c>claude -p … &lt; prompt</c>.
    /// </summary>
    public string Display(SecretRedactor? redactor = null)
    {
        var text = new StringBuilder(Quote(FileName));
        foreach (var argument in Arguments)
        {
            text.Append(' ').Append(Quote(argument));
        }

        text.Append(" < prompt");
        return redactor?.Redact(text.ToString()) ?? text.ToString();
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
