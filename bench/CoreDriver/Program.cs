using ClaudeRunner;

// The engine alone, as every front end calls it: tells how much of a front end's time is the engine's.
// Usage: CoreDriver CLAUDE MAX_PARALLEL PROMPTS_JSON LOG_DIR
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: CoreDriver CLAUDE MAX_PARALLEL PROMPTS_JSON LOG_DIR");
    return 2;
}

var summary = await ClaudeRunnerEngine.RunAsync(new RunRequest
{
    Sources = [PromptSource.FromFile(args[2])],
    MaxParallel = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
    ClaudePath = args[0],
    LogDirectory = args[3],
}).ConfigureAwait(false);
await Console.Out.WriteLineAsync(summary.Headline).ConfigureAwait(false);
return summary.Results.All(r => r.Outcome == Outcome.Succeeded) ? 0 : 1;
