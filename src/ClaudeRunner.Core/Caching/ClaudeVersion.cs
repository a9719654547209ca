using System.Diagnostics;

namespace ClaudeRunner;

/// <summary>claude's version (<c>claude --version</c>), asked once per run: a new claude may answer differently, so it is part of every key.</summary>
internal static class ClaudeVersion
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The version line, or why it cannot be known.</summary>
    public static (string? Version, string? Problem) Ask(string claudePath)
    {
        var startInfo = new ProcessStartInfo(claudePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("--version");
        try
        {
            using var process = Process.Start(startInfo)!;
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return (null, $"`{claudePath} --version` did not answer within {OptionText.FormatDuration(Limit)}");
            }

            var version = output.GetAwaiter().GetResult().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return process.ExitCode == 0 && version is not null ? (version, null) : (null, $"`{claudePath} --version` exited with code {process.ExitCode}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, $"`{claudePath} --version` could not be started: {ex.Message}");
        }
    }
}
