using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>
/// A short helper process the runner asks something of (<c>git diff</c>, <c>claude --version</c>): an argument list,
/// no shell, stdin closed at once, both pipes read to the end, a time limit after which its tree is killed.
/// </summary>
internal static class OneShotProcess
{
    /// <summary>What the process printed and its exit code; null when it could not be started or did not end within <paramref name="limit"/>.</summary>
    public static OneShotResult? Run(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan limit, IReadOnlyList<string>? clearedVariables = null) =>
        RunAsync(fileName, arguments, workingDirectory, limit, clearedVariables).GetAwaiter().GetResult();

    /// <summary>
    /// What the process printed and its exit code; null when it could not be started or did not end within <paramref name="limit"/>.
    /// With <paramref name="standardOutput"/>, stdout's bytes are copied there as they are (a patch is bytes, not UTF-8 text)
    /// and <see cref="OneShotResult.Output"/> is empty. <paramref name="cancellation"/> kills it like the time limit.
    /// The process does not inherit the runner's <paramref name="clearedVariables"/>.
    /// </summary>
    public static async Task<OneShotResult?> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan limit, IReadOnlyList<string>? clearedVariables = null, Stream? standardOutput = null, CancellationToken cancellation = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // git prints raw path bytes with -z, and claude writes UTF-8.
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in clearedVariables ?? [])
        {
            startInfo.Environment.Remove(name);
        }

        try
        {
            using var process = Process.Start(startInfo)!;
            process.StandardInput.Close();
            var output = standardOutput is null ? process.StandardOutput.ReadToEndAsync() : CopyAsync(process.StandardOutput.BaseStream, standardOutput);
            var error = process.StandardError.ReadToEndAsync();
            using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeLimit.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(timeLimit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return new OneShotResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static async Task<string> CopyAsync(Stream from, Stream to)
    {
        await from.CopyToAsync(to).ConfigureAwait(false);
        return string.Empty;
    }
}

/// <summary>The end of a <see cref="OneShotProcess"/>.</summary>
internal sealed record OneShotResult(int ExitCode, string Output, string Error);
