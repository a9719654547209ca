using System.Diagnostics;
using System.Globalization;

namespace ClaudeRunner.Tests;

/// <summary>
/// Packs ClaudeRunner.MSBuild into a folder feed and runs `dotnet build` on a project that references
/// the package, with FakeClaude as claude. Slow (a pack and four builds): the only test of its kind.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageEndToEndTests : IDisposable
{
    private static readonly string Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_packed_task_runs_from_a_PackageReference_fails_the_build_on_a_failing_prompt_and_the_declarative_target_is_incremental()
    {
        var feed = Path.Combine(_scratch.Directory, "feed");
        var pack = await DotnetAsync(RepositoryRoot(), "pack", "src/ClaudeRunner.MSBuild", "-o", feed, $"-p:Version={Version}", "-nr:false");
        Assert.True(pack.ExitCode == 0, pack.Output);

        var project = Directory.CreateDirectory(Path.Combine(_scratch.Directory, "consumer")).FullName;
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(_scratch.Directory, "packages")}" /></config>
              <packageSources><clear /><add key="feed" value="{feed}" /></packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ClaudePath>{FakeClaudeScratch.FakeClaudePath}</ClaudePath>
                <ClaudeEnvironmentVariables>{_scratch.EnvironmentItems()}</ClaudeEnvironmentVariables>
                <ClaudeRetries>0</ClaudeRetries>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ClaudeRunner.MSBuild" Version="{Version}" PrivateAssets="all" />
                <ClaudePrompts Include="prompts.json" />
              </ItemGroup>
              <Target Name="RunPromptsAfterBuild" AfterTargets="Build" Condition="'$(RunClaudeOnBuild)' != 'true'">
                <RunClaudeParallel PromptsFile="prompts.json" ClaudePath="$(ClaudePath)" EnvironmentVariables="$(ClaudeEnvironmentVariables)" Retries="0" />
              </Target>
            </Project>
            """);
        var promptsFile = Path.Combine(project, "prompts.json");
        const string passing = """{ "prompts": [ "first", "second" ] }""";

        File.WriteAllText(promptsFile, passing);
        var passed = await DotnetAsync(project, "build", "-nr:false", "-tl:off");
        Assert.True(passed.ExitCode == 0, passed.Output);
        Assert.Contains("All 2 prompts succeeded", passed.Output, StringComparison.Ordinal);
        Assert.Equal(2, _scratch.Invocations().Count);

        File.WriteAllText(promptsFile, """{ "prompts": [ "first", { "id": "broken-prompt", "prompt": "@fake is_error" } ] }""");
        var failed = await DotnetAsync(project, "build", "-nr:false", "-tl:off");
        Assert.True(failed.ExitCode != 0, failed.Output);
        Assert.Contains("error CCR001: Prompt 'broken-prompt' Failed", failed.Output, StringComparison.Ordinal);

        File.WriteAllText(promptsFile, passing);
        var declarative = await DotnetAsync(project, "build", "-nr:false", "-tl:off", "-p:RunClaudeOnBuild=true");
        Assert.True(declarative.ExitCode == 0, declarative.Output);
        var afterDeclarative = _scratch.Invocations().Count;
        Assert.Equal(6, afterDeclarative);

        var unchanged = await DotnetAsync(project, "build", "-nr:false", "-tl:off", "-p:RunClaudeOnBuild=true");
        Assert.True(unchanged.ExitCode == 0, unchanged.Output);
        Assert.Equal(afterDeclarative, _scratch.Invocations().Count);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClaudeRunner.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (ClaudeRunner.sln) is not above the tests.");
    }

    /// <summary>Runs dotnet without the MSBuild variables Microsoft.Build.Locator set for the in-process builds.</summary>
    private static async Task<(int ExitCode, string Output)> DotnetAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within 4 minutes.");
        }

        return (process.ExitCode, await output + await error);
    }
}
