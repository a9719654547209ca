using Cake.Core.IO;

namespace Cake.ClaudeRunner;

/// <summary>Fluent setters for <see cref="ClaudeRunnerSettings"/>: each sets one option and returns the same settings.</summary>
public static class ClaudeRunnerSettingsExtensions
{
    /// <summary>Sets <see cref="ClaudeRunnerSettings.MaxParallel"/>.</summary>
    public static ClaudeRunnerSettings WithMaxParallel(this ClaudeRunnerSettings settings, int maxParallel) =>
        Set(settings, s => s.MaxParallel = maxParallel);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.ClaudePath"/>.</summary>
    public static ClaudeRunnerSettings WithClaudePath(this ClaudeRunnerSettings settings, FilePath claudePath) =>
        Set(settings, s => s.ClaudePath = claudePath);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.DangerouslySkipPermissions"/>.</summary>
    public static ClaudeRunnerSettings WithDangerouslySkipPermissions(this ClaudeRunnerSettings settings, bool skip = true) =>
        Set(settings, s => s.DangerouslySkipPermissions = skip);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.PermissionMode"/>.</summary>
    public static ClaudeRunnerSettings WithPermissionMode(this ClaudeRunnerSettings settings, string permissionMode) =>
        Set(settings, s => s.PermissionMode = permissionMode);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.Model"/>.</summary>
    public static ClaudeRunnerSettings WithModel(this ClaudeRunnerSettings settings, string model) =>
        Set(settings, s => s.Model = model);

    /// <summary>Adds tools to <see cref="ClaudeRunnerSettings.AllowedTools"/>.</summary>
    public static ClaudeRunnerSettings WithAllowedTools(this ClaudeRunnerSettings settings, params string[] tools) =>
        Set(settings, s => AddAll(s.AllowedTools, tools));

    /// <summary>Sets <see cref="ClaudeRunnerSettings.MaxTurns"/>.</summary>
    public static ClaudeRunnerSettings WithMaxTurns(this ClaudeRunnerSettings settings, int maxTurns) =>
        Set(settings, s => s.MaxTurns = maxTurns);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.Timeout"/>.</summary>
    public static ClaudeRunnerSettings WithTimeout(this ClaudeRunnerSettings settings, TimeSpan timeout) =>
        Set(settings, s => s.Timeout = timeout);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.Retries"/>.</summary>
    public static ClaudeRunnerSettings WithRetries(this ClaudeRunnerSettings settings, int retries) =>
        Set(settings, s => s.Retries = retries);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.RetryDelay"/>.</summary>
    public static ClaudeRunnerSettings WithRetryDelay(this ClaudeRunnerSettings settings, TimeSpan retryDelay) =>
        Set(settings, s => s.RetryDelay = retryDelay);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.LogDirectory"/>.</summary>
    public static ClaudeRunnerSettings WithLogDirectory(this ClaudeRunnerSettings settings, DirectoryPath logDirectory) =>
        Set(settings, s => s.LogDirectory = logDirectory);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.SummaryFile"/>.</summary>
    public static ClaudeRunnerSettings WithSummaryFile(this ClaudeRunnerSettings settings, FilePath summaryFile) =>
        Set(settings, s => s.SummaryFile = summaryFile);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.JUnitFile"/>.</summary>
    public static ClaudeRunnerSettings WithJUnitFile(this ClaudeRunnerSettings settings, FilePath jUnitFile) =>
        Set(settings, s => s.JUnitFile = jUnitFile);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.FailFast"/>.</summary>
    public static ClaudeRunnerSettings WithFailFast(this ClaudeRunnerSettings settings, bool failFast = true) =>
        Set(settings, s => s.FailFast = failFast);

    /// <summary>Sets <see cref="ClaudeRunnerSettings.DryRun"/>.</summary>
    public static ClaudeRunnerSettings WithDryRun(this ClaudeRunnerSettings settings, bool dryRun = true) =>
        Set(settings, s => s.DryRun = dryRun);

    /// <summary>Adds arguments to <see cref="ClaudeRunnerSettings.AdditionalArguments"/>.</summary>
    public static ClaudeRunnerSettings WithAdditionalArguments(this ClaudeRunnerSettings settings, params string[] arguments) =>
        Set(settings, s => AddAll(s.AdditionalArguments, arguments));

    /// <summary>Sets one variable of <see cref="ClaudeRunnerSettings.EnvironmentVariables"/>.</summary>
    public static ClaudeRunnerSettings WithEnvironmentVariable(this ClaudeRunnerSettings settings, string name, string value) =>
        Set(settings, s => s.EnvironmentVariables[name] = value);

    private static ClaudeRunnerSettings Set(ClaudeRunnerSettings settings, Action<ClaudeRunnerSettings> set)
    {
        ArgumentNullException.ThrowIfNull(settings);
        set(settings);
        return settings;
    }

    private static void AddAll(ICollection<string> target, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            target.Add(value);
        }
    }
}
