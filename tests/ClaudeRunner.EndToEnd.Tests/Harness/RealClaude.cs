using System.Diagnostics;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// Locates the real Claude Code CLI used by the end-to-end tests.
/// </summary>
/// <remarks>
/// Lookup order: the environment variable <see cref="PathVariable"/> (a path to a <c>claude</c>
/// executable), then <c>&lt;repo root&gt;/.tools/claude/node_modules/.bin/claude</c>, where
/// <c>.ci/install-claude.sh</c> installs the pinned version. A missing CLI is a test failure, not a
/// skip: CI must install it (<see cref="NotInstalledMessage"/>).
/// </remarks>
public static class RealClaude
{
    /// <summary>The Claude Code version the tests (and docs/claude-cli.md) were measured against.</summary>
    public const string PinnedVersion = "2.1.331";

    /// <summary>Environment variable that overrides the location of the <c>claude</c> executable.</summary>
    public const string PathVariable = "CLAUDE_RUNNER_REAL_CLAUDE";

    /// <summary>The failure message when the CLI cannot be found.</summary>
    public const string NotInstalledMessage =
        "The real Claude Code CLI is not installed: run `bash .ci/install-claude.sh` " +
        "(installs @anthropic-ai/claude-code@" + PinnedVersion + " into .tools/claude)";

    private static readonly Lazy<string> LazyVersion = new(ReadVersion);

    /// <summary>The repository root: the first directory above the test binaries that holds <c>ClaudeRunner.sln</c>.</summary>
    public static string RepositoryRoot => ClaudeRunner.Tests.DotnetCli.RepositoryRoot;

    /// <summary>Where <c>.ci/install-claude.sh</c> puts the executable.</summary>
    public static string DefaultInstallPath =>
        System.IO.Path.Combine(RepositoryRoot, ".tools", "claude", "node_modules", ".bin", "claude");

    /// <summary>
    /// The full path of the <c>claude</c> executable.
    /// </summary>
    /// <exception cref="RealClaudeNotInstalledException">The CLI is not installed (message says how to install it).</exception>
    public static string Path => TryFind() ?? throw new RealClaudeNotInstalledException(
        NotInstalledMessage + $" (looked at ${PathVariable}='{Environment.GetEnvironmentVariable(PathVariable)}' and '{DefaultInstallPath}')");

    /// <summary>The output of <c>claude --version</c>, e.g. <c>2.1.331 (Claude Code)</c>; cached.</summary>
    public static string Version => LazyVersion.Value;

    /// <summary>The path of the <c>claude</c> executable, or <see langword="null"/> when it is not installed.</summary>
    public static string? TryFind() =>
        TryFind(Environment.GetEnvironmentVariable(PathVariable), DefaultInstallPath);

    /// <summary>
    /// The lookup rule: a non-empty <paramref name="overridePath"/> must exist (no fall back, so a
    /// wrong override fails loudly); otherwise <paramref name="defaultPath"/> if it exists.
    /// </summary>
    internal static string? TryFind(string? overridePath, string defaultPath)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            return File.Exists(overridePath) ? System.IO.Path.GetFullPath(overridePath) : null;
        }

        return File.Exists(defaultPath) ? defaultPath : null;
    }

    private static string ReadVersion()
    {
        var startInfo = new ProcessStartInfo(Path)
        {
            ArgumentList = { "--version" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["DISABLE_AUTOUPDATER"] = "1";
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{Path} --version'.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{Path} --version' did not exit within 30 s.");
        }

        Task.WaitAll(stdout, stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{Path} --version' exited with {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result.Trim();
    }
}

/// <summary>Thrown when the real Claude Code CLI is not installed; the message says how to install it.</summary>
public sealed class RealClaudeNotInstalledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RealClaudeNotInstalledException()
        : base(RealClaude.NotInstalledMessage)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RealClaudeNotInstalledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RealClaudeNotInstalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
