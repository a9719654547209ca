namespace ClaudeRunner;

/// <summary>A prompt's resolved command, as a dry run shows it.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Command">Its claude command.</param>
/// <param name="CommandLine">The command as text, secrets masked (for display only; it is never run through a shell).</param>
public sealed record PlannedPrompt(Prompt Prompt, ClaudeCommand Command, string CommandLine);

/// <summary>
/// The engine: validates the prompts, runs claude for each with at most <see cref="RunRequest.MaxParallel"/>
/// at once, retries transient failures, and writes logs, <c>summary.json</c> and a JUnit report.
/// Front ends build a <see cref="RunRequest"/>, call this, and translate events and results.
/// </summary>
public static class ClaudeRunnerEngine
{
    /// <summary>Validates the request and resolves every prompt's command; starts nothing (the dry run).</summary>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid.</exception>
    public static IReadOnlyList<PlannedPrompt> Plan(RunRequest request)
    {
        var prompts = Load(request);
        var claudePath = ClaudeExecutable.Resolve(request.ClaudePath, request.BaseDirectory).Path ?? request.ClaudePath;
        var redactor = SecretRedactor.FromEnvironment(prompts.Prompts.Select(p => p.Options.Env).OfType<IReadOnlyDictionary<string, string>>());
        return [.. prompts.Prompts.Select(prompt =>
        {
            var command = ClaudeCommand.For(prompt, claudePath, request.DangerouslySkipPermissions);
            return new PlannedPrompt(prompt, command, command.Display(redactor));
        })];
    }

    /// <summary>Runs every prompt of the request and returns when all are done, the reports written.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="observer">Receives progress events; may be null.</param>
    /// <param name="cancellationToken">Cancels the run: running claude processes are stopped (SIGTERM, grace period, kill), nothing new starts, and the reports are still written with a row for every prompt.</param>
    /// <returns>The summary; <see cref="RunSummary.Cancelled"/> tells whether the run was cancelled.</returns>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid; nothing ran.</exception>
    public static Task<RunSummary> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var prompts = Load(request);
        return new Run(request, prompts.Prompts, observer).ExecuteAsync(cancellationToken);
    }

    private static PromptSet Load(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = request.Validate();
        var defaults = request.Defaults.WorkingDirectory is { } directory
            ? request.Defaults with { WorkingDirectory = Path.GetFullPath(directory, request.BaseDirectory) }
            : request.Defaults;
        PromptSet prompts;
        try
        {
            prompts = PromptSet.Load(request.Sources, defaults, request.BaseDirectory);
        }
        catch (InvalidInputException ex) when (errors.Count > 0)
        {
            throw new InvalidInputException([.. errors, .. ex.Errors]);
        }

        return errors.Count == 0 ? prompts : throw new InvalidInputException(errors);
    }
}
