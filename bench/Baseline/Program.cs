using System.Diagnostics;

// The minimal .NET runner the benchmarks compare ClaudeRunner with: System.Diagnostics.Process and a
// SemaphoreSlim, the prompt written to stdin, stdout and stderr copied to files, nothing else.
// Usage: Baseline CLAUDE MAX_PARALLEL PROMPT_LIST OUT_DIR (PROMPT_LIST: one prompt file per line).
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: Baseline CLAUDE MAX_PARALLEL PROMPT_LIST OUT_DIR");
    return 2;
}

var (claude, maxParallel, promptFiles, outDir) = (args[0], int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(args[2]), args[3]);
Directory.CreateDirectory(outDir);
using var slots = new SemaphoreSlim(maxParallel);
var failed = 0;
await Task.WhenAll(promptFiles.Select(async promptFile =>
{
    await slots.WaitAsync().ConfigureAwait(false);
    try
    {
        if (await RunAsync(promptFile).ConfigureAwait(false) != 0)
        {
            Interlocked.Increment(ref failed);
        }
    }
    finally
    {
        slots.Release();
    }
})).ConfigureAwait(false);
return failed == 0 ? 0 : 1;

async Task<int> RunAsync(string promptFile)
{
    var startInfo = new ProcessStartInfo(claude, ["-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions"])
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(startInfo)!;
    var name = Path.Combine(outDir, Path.GetFileName(promptFile));
    await using var stdoutFile = File.Create(name + ".jsonl");
    await using var stderrFile = File.Create(name + ".err");
    var stdout = process.StandardOutput.BaseStream.CopyToAsync(stdoutFile);
    var stderr = process.StandardError.BaseStream.CopyToAsync(stderrFile);
    await process.StandardInput.BaseStream.WriteAsync(await File.ReadAllBytesAsync(promptFile).ConfigureAwait(false)).ConfigureAwait(false);
    process.StandardInput.Close();
    await Task.WhenAll(stdout, stderr, process.WaitForExitAsync()).ConfigureAwait(false);
    return process.ExitCode;
}
