using System.Diagnostics;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// Debian's headless Chromium (<c>apt-get install chromium</c>; <c>.ci/run</c> installs it) opening a local page:
/// the DOM after the page's scripts ran, or a screenshot. Its own profile directory per call, no network needed.
/// </summary>
public static class Chromium
{
    /// <summary>Where Debian's package puts it.</summary>
    public const string Path = "/usr/bin/chromium";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Skips the calling <c>[SkippableFact]</c> with how to install Chromium when it is missing, except under CI
    /// (<c>CI=true</c>), where a missing Chromium fails the test: CI installs it, so missing means broken.
    /// </summary>
    public static void Require()
    {
        if (File.Exists(Path))
        {
            return;
        }

        var message = $"Chromium is not installed at {Path}: install it with `sudo apt-get install -y chromium` (Debian, Ubuntu) to run the report's browser tests.";
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), message);
        Skip.If(true, message);
    }

    /// <summary>The DOM of <paramref name="page"/> (with <paramref name="fragment"/>, such as <c>#failures</c>) once its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string page, string fragment = "")
    {
        var (output, error) = await RunAsync("--dump-dom", new Uri(page).AbsoluteUri + fragment);
        return output.Contains("</html>", StringComparison.Ordinal) ? output : throw new InvalidOperationException($"Chromium printed no page for {page}: {error}");
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> to <paramref name="png"/>.</summary>
    public static async Task ScreenshotAsync(string page, string png, string fragment = "")
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(png)!);
        var (_, error) = await RunAsync($"--screenshot={png}", "--window-size=1280,1000", new Uri(page).AbsoluteUri + fragment);
        Assert.True(File.Exists(png), $"Chromium wrote no screenshot to {png}: {error}");
    }

    private static async Task<(string Output, string Error)> RunAsync(params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("claude-runner-chromium-");
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // --no-sandbox: Chromium's sandbox cannot start as root (containers, CI); the page is our own file.
            foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", $"--user-data-dir={profile.FullName}" }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(Limit);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (await output, await error);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
