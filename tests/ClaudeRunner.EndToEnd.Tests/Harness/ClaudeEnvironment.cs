using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace ClaudeRunner.EndToEnd.Tests.Harness;

/// <summary>
/// The environment of one (or several) real claude runs against a <see cref="MockAnthropicApi"/>:
/// a fresh temporary <c>HOME</c> and <c>CLAUDE_CONFIG_DIR</c>, a working directory, and the
/// variables that point the CLI at the mock and keep it offline. Dispose deletes the directories.
/// </summary>
/// <remarks>
/// <para>Variables set (<see cref="Variables"/>): <c>HOME</c>, <c>CLAUDE_CONFIG_DIR</c>,
/// <c>ANTHROPIC_BASE_URL</c>, <c>ANTHROPIC_API_KEY=test-key-not-secret</c>,
/// <c>CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1</c>, <c>DISABLE_AUTOUPDATER=1</c>,
/// <c>NO_PROXY</c>/<c>no_proxy</c> for 127.0.0.1, plus <c>CLAUDE_CODE_MAX_RETRIES</c>,
/// <c>API_TIMEOUT_MS</c> and <c>IS_SANDBOX=1</c> when asked.</para>
/// <para>Variables removed (value <see langword="null"/>): whatever the test process inherited that
/// would change the CLI's behaviour or reach a real account: every <c>ANTHROPIC_*</c>,
/// <c>CLAUDE_*</c> (but not <c>CLAUDE_RUNNER_*</c>)/<c>CLAUDECODE</c>, <c>API_TIMEOUT_MS</c>, <c>IS_SANDBOX</c>, <c>DISABLE_*</c>,
/// <c>AWS_BEARER_TOKEN_BEDROCK</c>, and proxy variables, unless set above.</para>
/// </remarks>
public sealed class ClaudeEnvironment : IDisposable
{
    /// <summary>The fake API key the CLI sends to the mock (<c>x-api-key</c>).</summary>
    public const string ApiKey = "test-key-not-secret";

    private static readonly string[] ScrubbedPrefixes =
        ["ANTHROPIC_", "CLAUDE_", "CLAUDECODE", "DISABLE_", "OTEL_", "MCP_"];

    private static readonly string[] ScrubbedNames =
    [
        "API_TIMEOUT_MS", "IS_SANDBOX", "BASH_DEFAULT_TIMEOUT_MS", "BASH_MAX_TIMEOUT_MS",
        "MAX_THINKING_TOKENS", "AWS_BEARER_TOKEN_BEDROCK", "VERTEX_REGION_CLAUDE_4_0_SONNET",
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
    ];

    private readonly Dictionary<string, string?> _variables = new(StringComparer.Ordinal);

    private ClaudeEnvironment(MockAnthropicApi mock, ClaudeEnvironmentOptions options)
    {
        RootDirectory = Directory.CreateTempSubdirectory("claude-e2e-").FullName;
        HomeDirectory = Directory.CreateDirectory(Path.Combine(RootDirectory, "home")).FullName;
        ConfigDirectory = Directory.CreateDirectory(Path.Combine(HomeDirectory, ".claude")).FullName;
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(RootDirectory, "work")).FullName;
        Options = options;

        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!name.StartsWith("CLAUDE_RUNNER_", StringComparison.Ordinal)
                && (ScrubbedNames.Contains(name, StringComparer.Ordinal)
                    || ScrubbedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))))
            {
                _variables[name] = null;
            }
        }

        _variables["HOME"] = HomeDirectory;
        _variables["CLAUDE_CONFIG_DIR"] = ConfigDirectory;
        _variables["ANTHROPIC_BASE_URL"] = mock.BaseUrl.ToString().TrimEnd('/');
        _variables["ANTHROPIC_API_KEY"] = ApiKey;
        _variables["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        _variables["DISABLE_AUTOUPDATER"] = "1";
        _variables["NO_PROXY"] = "127.0.0.1,localhost";
        _variables["no_proxy"] = "127.0.0.1,localhost";
        if (options.MaxRetries is { } maxRetries)
        {
            _variables["CLAUDE_CODE_MAX_RETRIES"] = maxRetries.ToString(CultureInfo.InvariantCulture);
        }

        if (options.ApiTimeout is { } apiTimeout)
        {
            _variables["API_TIMEOUT_MS"] = ((long)apiTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        if (options.IsSandbox)
        {
            _variables["IS_SANDBOX"] = "1";
        }

        foreach (var (name, value) in options.Extra ?? new Dictionary<string, string?>())
        {
            _variables[name] = value;
        }
    }

    /// <summary>Temporary directory holding <see cref="HomeDirectory"/> and <see cref="WorkingDirectory"/>.</summary>
    public string RootDirectory { get; }

    /// <summary>The fresh <c>HOME</c>.</summary>
    public string HomeDirectory { get; }

    /// <summary>The fresh <c>CLAUDE_CONFIG_DIR</c> (<c>$HOME/.claude</c>): <c>.claude.json</c>, sessions, projects.</summary>
    public string ConfigDirectory { get; }

    /// <summary>An empty directory to run claude in (no CLAUDE.md, no git repository).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The options it was created with.</summary>
    public ClaudeEnvironmentOptions Options { get; }

    /// <summary>
    /// The variables to apply on top of the inherited environment; a <see langword="null"/> value
    /// means "remove this inherited variable". Use with <see cref="ProcessStartInfo.Environment"/>
    /// or an engine's per-prompt environment.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Variables => _variables;

    /// <summary>
    /// Whether this process runs as root (effective uid 0, Linux): then the real CLI refuses
    /// <c>--dangerously-skip-permissions</c> unless <see cref="ClaudeEnvironmentOptions.IsSandbox"/> is set.
    /// </summary>
    public static bool RunningAsRoot { get; } = ReadRunningAsRoot();

    /// <summary>Creates the environment for claude runs against <paramref name="mock"/>.</summary>
    public static ClaudeEnvironment Create(MockAnthropicApi mock, ClaudeEnvironmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mock);
        return new ClaudeEnvironment(mock, options ?? new ClaudeEnvironmentOptions());
    }

    /// <summary>Applies <see cref="Variables"/> to <paramref name="startInfo"/> and sets its working directory if unset.</summary>
    public void ApplyTo(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        foreach (var (name, value) in _variables)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        if (string.IsNullOrEmpty(startInfo.WorkingDirectory))
        {
            startInfo.WorkingDirectory = WorkingDirectory;
        }
    }

    private static bool ReadRunningAsRoot()
    {
        // /proc/self/status: "Uid:<tab>real<tab>effective<tab>saved<tab>fs".
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return false;
        }

        var uid = File.ReadLines(status).FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = uid?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 2 } && fields[2] == "0";
    }

    /// <summary>Deletes the temporary directories (best effort).</summary>
    public void Dispose()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(RootDirectory))
                {
                    Directory.Delete(RootDirectory, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                // A child that is just exiting may still write into HOME; try again.
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}

/// <summary>Options of <see cref="ClaudeEnvironment.Create"/>.</summary>
public sealed record ClaudeEnvironmentOptions
{
    /// <summary>
    /// <c>CLAUDE_CODE_MAX_RETRIES</c>: the CLI's own retries of 401/429/5xx/connection errors
    /// (default 10 over ~177 s). Set it small in tests that answer errors.
    /// </summary>
    public int? MaxRetries { get; init; }

    /// <summary><c>API_TIMEOUT_MS</c>: the CLI's per-request timeout (default 600 s). Unset by default.</summary>
    public TimeSpan? ApiTimeout { get; init; }

    /// <summary>
    /// <c>IS_SANDBOX=1</c>: lets <c>--dangerously-skip-permissions</c> run as root (otherwise refused,
    /// exit 1). Side effect measured on 2.1.331: 529 is then retried like other errors
    /// (up to <see cref="MaxRetries"/>) instead of giving up after 3 in a row.
    /// </summary>
    public bool IsSandbox { get; init; }

    /// <summary>More variables to set (or remove with <see langword="null"/>), applied last.</summary>
    public IReadOnlyDictionary<string, string?>? Extra { get; init; }
}
