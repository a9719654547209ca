using System.Diagnostics;
using System.Globalization;

namespace ClaudeRunner.Tests;

/// <summary>
/// Packs ClaudeRunner.MSBuild into a folder feed and runs `dotnet build` on a project that references
/// the package, with FakeClaude as claude. Slow (a pack and four builds): the only test of its kind. The pack
/// packages the build under test (<c>--no-build</c>); its unique version keeps NuGet from using a package
/// restored by an earlier run.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackageEndToEndTests : IDisposable
{
    private static readonly string Version = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
    private readonly FakeClaudeScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_packed_task_runs_from_a_PackageReference_with_its_dependencies_fails_the_build_on_a_failing_prompt_and_the_declarative_target_is_incremental()
    {
        var feed = Path.Combine(_scratch.Directory, "feed");
        var pack = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, "pack", "src/ClaudeRunner.MSBuild", "--no-build", "-c", DotnetCli.Configuration, "-o", feed, $"-p:Version={Version}", "-nr:false");
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
        // The schema prompt needs JsonSchema.Net: the package must carry the engine's own dependencies under tasks/.
        const string passing = """{ "prompts": [ "first", "second", { "id": "shaped", "prompt": "@fake output={\"answer\":1}", "outputSchema": { "type": "object" } } ] }""";

        File.WriteAllText(promptsFile, passing);
        var passed = await DotnetCli.RunAsync(project, "build", "-nr:false", "-tl:off");
        Assert.True(passed.ExitCode == 0, passed.Output);
        Assert.Contains("All 3 prompts succeeded", passed.Output, StringComparison.Ordinal);
        Assert.Equal(3, _scratch.Invocations().Count);

        File.WriteAllText(promptsFile, """{ "prompts": [ "first", { "id": "broken-prompt", "prompt": "@fake is_error" } ] }""");
        var failed = await DotnetCli.RunAsync(project, "build", "-nr:false", "-tl:off");
        Assert.True(failed.ExitCode != 0, failed.Output);
        Assert.Contains("error CCR001: Prompt 'broken-prompt' Failed", failed.Output, StringComparison.Ordinal);
        // "first" was up to date: only the broken prompt ran.
        Assert.Equal(4, _scratch.Invocations().Count);

        File.WriteAllText(promptsFile, passing);
        var declarative = await DotnetCli.RunAsync(project, "build", "-nr:false", "-tl:off", "-p:RunClaudeOnBuild=true", "-p:ClaudeForce=true");
        Assert.True(declarative.ExitCode == 0, declarative.Output);
        var afterDeclarative = _scratch.Invocations().Count;
        Assert.Equal(7, afterDeclarative);

        var unchanged = await DotnetCli.RunAsync(project, "build", "-nr:false", "-tl:off", "-p:RunClaudeOnBuild=true");
        Assert.True(unchanged.ExitCode == 0, unchanged.Output);
        Assert.Equal(afterDeclarative, _scratch.Invocations().Count);
        Assert.Contains("All 3 prompts succeeded (3 up to date)", unchanged.Output, StringComparison.Ordinal);
    }
}
