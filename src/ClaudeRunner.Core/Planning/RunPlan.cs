namespace ClaudeRunner;

/// <summary>
/// A validated request, resolved once: the prompts with their commands and effective limits, and the
/// claude executable (or why it cannot be found). A dry run shows it; a run executes it as it is.
/// </summary>
public sealed class RunPlan
{
    private RunPlan(RunRequest request, IReadOnlyList<PlannedPrompt> prompts, IReadOnlyList<InputError> warnings, string? claudePath, string? claudeNotFound, SecretRedactor redactor, ResultCache cache, ShardCut cut, MachineSlots? machineSlots)
    {
        MachineSlots = machineSlots;
        Shard = cut.Shard;
        ShardSet = cut.Shard is null ? null : cut.SetIds;
        StartOrder = cut.StartOrder;
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

    /// <summary>The shard of the whole set this plan runs; null for the whole set.</summary>
    public Shard? Shard { get; }

    /// <summary>With a <see cref="Shard"/>: the ids of the whole set, in input order.</summary>
    public IReadOnlyList<string>? ShardSet { get; }

    /// <summary>The indexes of <see cref="Prompts"/> in the order they start: input order, or longest first by history (see <see cref="RunRequest.Order"/>).</summary>
    public IReadOnlyList<int> StartOrder { get; }

    /// <summary>What is valid but worth saying before the run, such as a <c>foreach</c> that matched no file.</summary>
    public IReadOnlyList<InputError> Warnings { get; }

    /// <summary>The closing line of a dry run: "Dry run: 3 prompts planned, none started.", "Dry run: shard 2/4, 25 of 100 prompts planned, none started."</summary>
    public string Headline => Shard is { } shard
        ? $"Dry run: shard {shard}, {Prompts.Count} of {RunWording.Prompts(ShardSet!.Count)} planned, none started."
        : $"Dry run: {RunWording.Prompts(Prompts.Count)} planned, none started.";

    /// <summary>The full path of the claude executable; null when it cannot be found (see <see cref="ClaudeNotFound"/>).</summary>
    public string? ClaudePath { get; }

    /// <summary>Why claude cannot be found, with install advice; null when it was found. A run then starts no prompt.</summary>
    public string? ClaudeNotFound { get; }

    /// <summary>Masks the values of the prompts' environment variables in everything the run writes.</summary>
    internal SecretRedactor Redactor { get; }

    /// <summary>Where successes are recorded by key.</summary>
    internal ResultCache Cache { get; }

    /// <summary>The machine-wide budget of claude processes; null when none is set.</summary>
    internal MachineSlots? MachineSlots { get; }

    /// <summary>When and after how long a failed attempt is retried.</summary>
    internal RetryPolicy RetryPolicy { get; }

    /// <summary>Validates <paramref name="request"/>, loads its prompts and resolves their commands.</summary>
    /// <exception cref="InvalidInputException">The request or its prompts are invalid.</exception>
    internal static RunPlan Create(RunRequest request)
    {
        (var set, request, var shard) = Load(request);
        var machineSlots = MachineSlots.For(request);
        var warnings = set.Warnings.ToList();
        if (shard.Note is { } note)
        {
            warnings.Add(new InputError(note));
        }

        var cache = new ResultCache(request.ResolvedCacheDirectory);
        var cut = ShardCut.Make(request, set.Prompts, shard.Shard, cache, warnings);
        var prompts = cut.Prompts;
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
        planned = Isolate(request, [.. planned]);
        var checkedPrompts = claudePath is null
            ? [.. planned.Select(prompt => prompt with { Freshness = "not checked: claude was not found" })]
            : UpToDateCheck(request, [.. planned], claudePath, cache, warnings);
        return new RunPlan(request, checkedPrompts, warnings, claudePath, claudeNotFound, redactor, cache, cut, machineSlots);
    }

    /// <summary>
    /// Each prompt's key and whether a success is recorded under it: the inputs are hashed once, before any prompt
    /// starts. Without claude's version no key is safe: nothing is up to date and nothing is recorded.
    /// </summary>
    private static PlannedPrompt[] UpToDateCheck(RunRequest request, PlannedPrompt[] planned, string claudePath, ResultCache cache, List<InputError> warnings)
    {
        var (version, problem) = ClaudeVersion.Ask(claudePath, cache);
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

    /// <summary>
    /// Each prompt with <c>isolation: worktree</c> with the repository it runs in; a working directory outside any git
    /// repository, or a git that is missing or too old, is an input error before anything runs.
    /// </summary>
    private static PlannedPrompt[] Isolate(RunRequest request, PlannedPrompt[] planned)
    {
        var isolated = planned.Where(p => p.Prompt.Options.Isolation == WorktreeIsolation.Worktree).ToList();
        if (isolated.Count == 0)
        {
            return planned;
        }

        if (Git.WorktreeProblem() is { } gitProblem)
        {
            throw new InvalidInputException([new InputError(gitProblem, isolated[0].Prompt.Location)]);
        }

        var errors = new List<InputError>();
        var tops = new Dictionary<string, (string? Top, string? Prefix, string? Problem)>(StringComparer.Ordinal);
        var withRepository = planned.Select(prompt =>
        {
            if (prompt.Prompt.Options.Isolation != WorktreeIsolation.Worktree)
            {
                return prompt;
            }

            var directory = prompt.Prompt.Options.WorkingDirectory!;
            if (!tops.TryGetValue(directory, out var found))
            {
                tops[directory] = found = Git.WorkTreeTop(directory);
            }

            if (found.Top is not { } top)
            {
                errors.Add(new InputError(found.Problem!, prompt.Prompt.Location));
                return prompt;
            }

            return prompt with { Isolation = new WorktreeIsolation(top, found.Prefix!, prompt.Prompt.Options.ApplyChanges ?? true) };
        }).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidInputException(errors);
        }

        var parent = RunWorktrees.Parent(request.ResolvedLogDirectory, withRepository.Select(p => p.Isolation?.Repository).OfType<string>());
        return [.. withRepository.Select(p => p.Isolation is null ? p : p with { WorktreeParent = parent })];
    }

    /// <summary>The prompts, the request with its shard's report names, and the shard (with what to say about it once).</summary>
    private static (PromptSet Set, RunRequest Request, (Shard? Shard, string? Note) Shard) Load(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = request.Validate();
        (Shard? Shard, string? Note) shard = (null, null);
        if (errors.Count == 0)
        {
            try
            {
                shard = ShardSelection.Resolve(request.Shard, request.EnvironmentVariable);
                request = ShardCut.WithReportNames(request, shard.Shard);
                // Only valid settings resolve to paths; checked before anything runs or pays.
                errors = [.. OutputPaths.Problems(request)];
            }
            catch (InvalidInputException ex)
            {
                errors = ex.Errors;
            }
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

        return errors.Count == 0 ? (prompts, request, shard) : throw new InvalidInputException(errors);
    }
}
