namespace ClaudeRunner;

/// <summary>
/// Which CI a run speaks to (<c>CiOutput</c>): one named, or for <c>auto</c> the one whose variable is set — GitHub Actions
/// (<c>GITHUB_ACTIONS=true</c>), Azure Pipelines (<c>TF_BUILD=True</c>), TeamCity (<c>TEAMCITY_VERSION</c>). GitLab needs
/// nothing: it reads the JUnit report.
/// </summary>
internal static class CiServices
{
    /// <summary>Detect the CI from its variables.</summary>
    public const string Auto = "auto";

    /// <summary>Say nothing to any CI.</summary>
    public const string None = "none";

    /// <summary>GitHub Actions.</summary>
    public const string GitHub = "github";

    /// <summary>Azure Pipelines.</summary>
    public const string Azure = "azure";

    /// <summary>TeamCity.</summary>
    public const string TeamCity = "teamcity";

    /// <summary>The format of the CI that <paramref name="option"/> names (null: <c>auto</c>); null for <c>none</c> or when no CI is detected.</summary>
    /// <param name="option">The option's value.</param>
    /// <param name="environment">Reads an environment variable (null when unset); tests pass their own.</param>
    public static CiFormat? Resolve(string? option, Func<string, string?> environment) => option?.ToLowerInvariant() switch
    {
        None => null,
        GitHub => new GitHubActionsFormat(environment),
        Azure => new AzurePipelinesFormat(),
        TeamCity => new TeamCityFormat(),
        _ => Detect(environment),
    };

    private static CiFormat? Detect(Func<string, string?> environment) =>
        environment("GITHUB_ACTIONS") == "true" ? new GitHubActionsFormat(environment)
        : string.Equals(environment("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase) ? new AzurePipelinesFormat()
        : !string.IsNullOrEmpty(environment("TEAMCITY_VERSION")) ? new TeamCityFormat()
        : null;
}
