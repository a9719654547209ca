using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>
/// A short helper process the runner asks something of (<c>git diff</c>, <c>claude --version</c>): an argument list,
/// no shell, stdin closed at once, both pipes read to the end, a time limit after which its tree is killed.
/// </summary>
internal static class OneShotProcess
{
    /// <summary>What the process printed and its exit code; null when it could not be started or did not end within <paramref name="limit"/>.</summary>
    public static OneShotResult? Run(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan limit)
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

        try
        {
            using var process = Process.Start(startInfo)!;
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return new OneShotResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

/// <summary>The end of a <see cref="OneShotProcess"/>.</summary>
internal sealed record OneShotResult(int ExitCode, string Output, string Error);
