namespace ClaudeRunner;

/// <summary>
/// A validated request, resolved once: the prompts with their commands and effective limits, and the
/// claude executable (or why it cannot be found). A dry run shows it; a run executes it as it is.
/// </summary>
public sealed class RunPlan
{
    private RunPlan(RunRequest request, IReadOnlyList<PlannedPrompt> prompts, IReadOnlyList<InputError> warnings, string? claudePath, string? claudeNotFound, SecretRedactor redactor, ResultCache cache)
    {
        Cache = cache;
        Request = request;
        Prompts = prompts;
        Warnings = warnings;
        ClaudePath = claudePath;
        ClaudeNotFound = claudeNotFound;
        Redactor = redactor;
        var (retryDelay, maxRetryDelay) = request.EffectiveRetryDelays;
        RetryPolicy = new RetryPolicy(retryDelay, maxRetryDelay, request.RetryTimeouts);
    }

    /// <summary>The request the plan was made from.</summary>
    public RunRequest Request { get; }

    /// <summary>Every prompt, in input order.</summary>
    public IReadOnlyList<PlannedPrompt> Prompts { get; }

    /// <summary>What is valid but worth saying before the run, such as a <c>foreach</c> that matched no file.</summary>
    public IReadOnlyList<InputError> Warnings { get; }

    /// <summary>The closing line of a dry run: "Dry run: 3 prompts planned, none started."</summary>
    public string Headline => $"Dry run: {RunWording.Prompts(Prompts.Count)} planned, none started.";

    /// <summary>The full path of the claude executable; null when it cannot be found (see <see cref="ClaudeNotFound"/>).</summary>
    public string? ClaudePath { get; }

    /// <summary>Why claude cannot be found, with install advice; null when it was found. A run then starts no prompt.</summary>
    public string? ClaudeNotFound { get; }

    /// <summary>Masks the values of the prompts' environment variables in everything the run writes.</summary>
    internal SecretRedactor Redactor { get; }

    /// <summary>Where successes are recorded by key.</summary>
    internal ResultCache Cache { get; }

    /// <summary>When and after how long a failed attempt is retried.</summary>
    internal RetryPolicy RetryPolicy { get; }

    /// <summary>Validates <paramref name="request"/>, loads its prompts and resolves their commands.</summary>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid.</exception>
    internal static RunPlan Create(RunRequest request)
    {
        var set = Load(request);
        var prompts = set.Prompts;
        var (claudePath, claudeNotFound) = ClaudeExecutable.Resolve(request.ClaudePath, request.BaseDirectory);
        var redactor = SecretRedactor.FromEnvironment(prompts.Select(p => p.Options.Env).OfType<IReadOnlyDictionary<string, string>>());
        var planned = prompts.Select(prompt =>
        {
            // An unresolved claude still shows in the dry run as the user named it.
            var command = ClaudeCommand.For(prompt, claudePath ?? request.ClaudePath, request.DangerouslySkipPermissions);
            return new PlannedPrompt(
                prompt,
                command,
                command.Display(redactor),
                prompt.Options.Timeout ?? RunRequest.DefaultTimeout,
                prompt.Options.Retries ?? RunRequest.DefaultRetries);
        });
        var warnings = set.Warnings.ToList();
        var cache = new ResultCache(request.ResolvedCacheDirectory);
        var checkedPrompts = claudePath is null
            ? [.. planned.Select(prompt => prompt with { Freshness = "not checked: claude was not found" })]
            : UpToDateCheck(request, [.. planned], claudePath, cache, warnings);
        return new RunPlan(request, checkedPrompts, warnings, claudePath, claudeNotFound, redactor, cache);
    }

    /// <summary>
    /// Each prompt's key and whether a success is recorded under it: the inputs are hashed once, before any prompt
    /// starts. Without claude's version no key is safe: nothing is up to date and nothing is recorded.
    /// </summary>
    private static PlannedPrompt[] UpToDateCheck(RunRequest request, PlannedPrompt[] planned, string claudePath, ResultCache cache, List<InputError> warnings)
    {
        var (version, problem) = ClaudeVersion.Ask(claudePath);
        if (version is null)
        {
            warnings.Add(new InputError($"claude's version is unknown ({problem}): every prompt runs, and no success is recorded."));
            return planned;
        }

        var digests = new KeyDigests();
        return [.. planned.Select(prompt =>
        {
            var key = PromptKey.Compute(prompt, request.BaseDirectory, version, digests);
            var recorded = request.Force ? null : cache.Find(key.Value, warnings);
            var freshness = recorded is not null ? $"up to date ({recorded.When})"
                : request.Force ? "forced"
                : cache.Latest(prompt.Prompt.Id, warnings) is { } earlier ? key.ChangeSince(earlier)
                : "no earlier success";
            return prompt with { Key = key, UpToDate = recorded, Freshness = freshness };
        })];
    }

    private static PromptSet Load(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = request.Validate();
        if (errors.Count == 0)
        {
            // Only valid settings resolve to paths; checked before anything runs or pays.
            errors = [.. OutputPaths.Problems(request)];
        }

        var defaults = request.Defaults.WithPathsFrom(request.BaseDirectory);
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
