using System.Diagnostics;
using ClaudeRunner.EndToEnd.Tests.Harness;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>The environment builder (no claude needed).</summary>
public sealed class ClaudeEnvironmentTests
{
    [Fact]
    public async Task Create_PointsTheCliAtTheMockInFreshDirectories()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        const string inherited = "ANTHROPIC_E2E_SCRUB_TEST";
        Environment.SetEnvironmentVariable(inherited, "must not reach claude");
        string root;
        try
        {
            using var env = ClaudeEnvironment.Create(mock, new ClaudeEnvironmentOptions
            {
                MaxRetries = 2,
                ApiTimeout = TimeSpan.FromSeconds(3),
                IsSandbox = true,
                Extra = new Dictionary<string, string?> { ["MY_VAR"] = "x" },
            });
            root = env.RootDirectory;
            var v = env.Variables;

            Assert.Equal(env.HomeDirectory, v["HOME"]);
            Assert.Equal(env.ConfigDirectory, v["CLAUDE_CONFIG_DIR"]);
            Assert.Equal($"http://127.0.0.1:{mock.Port}", v["ANTHROPIC_BASE_URL"]);
            Assert.Equal("test-key-not-secret", v["ANTHROPIC_API_KEY"]);
            Assert.Equal("1", v["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"]);
            Assert.Equal("1", v["DISABLE_AUTOUPDATER"]);
            Assert.Equal("2", v["CLAUDE_CODE_MAX_RETRIES"]);
            Assert.Equal("3000", v["API_TIMEOUT_MS"]);
            Assert.Equal("1", v["IS_SANDBOX"]);
            Assert.Equal("x", v["MY_VAR"]);
            Assert.Null(v[inherited]);
            Assert.True(Directory.Exists(env.HomeDirectory));
            Assert.True(Directory.Exists(env.ConfigDirectory));
            Assert.Empty(Directory.EnumerateFileSystemEntries(env.WorkingDirectory));

            var startInfo = new ProcessStartInfo("claude");
            env.ApplyTo(startInfo);
            Assert.False(startInfo.Environment.ContainsKey(inherited));
            Assert.Equal(env.HomeDirectory, startInfo.Environment["HOME"]);
            Assert.Equal(env.WorkingDirectory, startInfo.WorkingDirectory);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), startInfo.Environment["PATH"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(inherited, null);
        }

        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task Defaults_LeaveRetriesTimeoutAndSandboxToTheCli()
    {
        await using var mock = await MockAnthropicApi.StartAsync();
        using var env = ClaudeEnvironment.Create(mock);

        Assert.DoesNotContain(env.Variables, v => v.Key is "CLAUDE_CODE_MAX_RETRIES" or "API_TIMEOUT_MS" or "IS_SANDBOX" && v.Value is not null);
    }
}
