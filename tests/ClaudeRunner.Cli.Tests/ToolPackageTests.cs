using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace ClaudeRunner.Tests;

/// <summary>
/// The tool packages as a user gets them: <c>dotnet pack</c> of ClaudeRunner.Cli (the package users install, which names
/// the platforms), <c>dotnet pack -r</c> of this machine's platform (Native AOT) and of <c>any</c> (the shared-runtime
/// fallback), each installed into a temporary tool path from a folder feed and run with FakeClaude as claude.
/// </summary>
/// <remarks>
/// Packed once for all tests of the class (<see cref="ToolPackages"/>): an AOT compilation takes one to two minutes.
/// </remarks>
[Trait("Category", "Slow")]
public sealed class ToolPackageTests : IClassFixture<ToolPackages>, IDisposable
{
    private readonly ToolPackages _packages;
    private readonly FakeClaudeScratch _scratch = new();

    public ToolPackageTests(ToolPackages packages) => _packages = packages;

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_tool_installs_as_the_native_executable_of_this_platform_and_runs_prompts()
    {
        var tool = await InstallAsync(_packages.Feed);

        // The command is the AOT-compiled executable from the platform's package: no assembly for a runtime to load.
        var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(tool)!, File.ResolveLinkTarget(tool, returnFinalTarget: false)?.ToString() ?? tool));
        Assert.Contains($"clauderunner.cli.{ToolPackages.Platform}", target, StringComparison.Ordinal);
        Assert.True(IsNativeExecutable(target), $"{target} is not a native executable.");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "*.dll"));

        await AssertRunsPromptsAsync(tool);
    }

    [Fact]
    public async Task Where_no_native_package_fits_the_any_package_runs_on_the_shared_runtime()
    {
        var tool = await InstallAsync(_packages.FallbackFeed);

        var store = Path.Combine(Path.GetDirectoryName(tool)!, ".store", "clauderunner.cli", _packages.Version);
        Assert.True(Directory.Exists(Path.Combine(store, "clauderunner.cli.any")), string.Join('\n', Directory.GetDirectories(store)));
        Assert.Single(Directory.GetFiles(store, "claude-runner.dll", SearchOption.AllDirectories));

        await AssertRunsPromptsAsync(tool);
    }

    [Fact]
    public void No_package_carries_debug_symbols()
    {
        var packages = Directory.GetFiles(_packages.Feed, "*.nupkg");
        Assert.Equal(3, packages.Length);
        var symbols = packages
            .SelectMany(Entries)
            .Where(entry => entry.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) || entry.EndsWith(".dbg", StringComparison.OrdinalIgnoreCase) || entry.Contains(".dSYM", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.Empty(symbols);
    }

    private static List<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(entry => $"{Path.GetFileName(package)}: {entry.FullName}").ToList();
    }

    private async Task<string> InstallAsync(string feed)
    {
        var tools = Path.Combine(_scratch.Directory, "tools");

        // A package folder of the test's own, so that nothing of this run's packages outlives it.
        var packages = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_scratch.Directory, "nuget-packages") };
        var install = await DotnetCli.RunAsync(_scratch.Directory, packages, "tool", "install", "ClaudeRunner.Cli", "--tool-path", tools, "--add-source", feed, "--version", _packages.Version);
        Assert.True(install.ExitCode == 0, install.Output);
        return Path.Combine(tools, OperatingSystem.IsWindows() ? "claude-runner.exe" : "claude-runner");
    }

    private async Task AssertRunsPromptsAsync(string tool)
    {
        // This run's packages: the version they were packed with exists nowhere else.
        using (var version = CliProcess.StartExecutable(tool, _scratch.Directory, _scratch.Environment, null, "--version"))
        {
            var result = await version.WaitAsync();
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith(_packages.Version, result.Output.Trim(), StringComparison.Ordinal);
        }

        // The documented exit codes, and the structured-output check (JSON Schema evaluation) on the compiled path.
        var prompts = _scratch.WriteFile("prompts.json", """
            { "prompts": [
              "first",
              { "id": "broken", "prompt": "@fake is_error" },
              { "id": "facts", "prompt": "@fake output={\"count\":\"three\"}",
                "outputSchema": { "type": "object", "properties": { "count": { "type": "integer" } }, "required": ["count"] } } ] }
            """);
        using var run = CliProcess.StartExecutable(tool, _scratch.Directory, _scratch.Environment, null, prompts, "--claude", FakeClaudeScratch.FakeClaudePath, "--retry", "0");
        var failed = await run.WaitAsync();
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("2 of 3 prompts failed", failed.Output, StringComparison.Ordinal);
        Assert.Contains("broken: Failed", failed.Output, StringComparison.Ordinal);
        Assert.Contains("facts: NoStructuredOutput: The structured output does not follow the schema: at '/count'", failed.Output, StringComparison.Ordinal);
        Assert.Equal(3, _scratch.Invocations().Count);
        var summary = FakeClaudeScratch.SummaryPrompts(Path.Combine(_scratch.Directory, "claude-logs", "summary.json"));
        Assert.Equal("Succeeded", summary.Single(row => row.Key.StartsWith("first", StringComparison.Ordinal)).Value.Outcome);
    }

    // ELF on Linux, Mach-O on macOS, PE on Windows: the first bytes of the file.
    private static bool IsNativeExecutable(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        file.ReadExactly(magic);
        return magic.SequenceEqual("\u007fELF"u8) || magic[..2].SequenceEqual("MZ"u8)
            || BitConverter.ToUInt32(magic) is 0xFEEDFACF or 0xCFFAEDFE;
    }
}

/// <summary>
/// The three tool packages of ClaudeRunner.Cli, packed once from a copy of the sources (a pack for a platform restores
/// and builds into <c>obj/</c>, which the other test projects' packs use at the same time) under a version unique to
/// this run: <see cref="Feed"/> holds the package users install, this platform's Native AOT package and the <c>any</c>
/// package; <see cref="FallbackFeed"/> the <c>any</c> package under a top-level package that lists every platform but
/// this one, as a platform without a native package sees it.
/// </summary>
public sealed class ToolPackages : IAsyncLifetime
{
    private static readonly TimeSpan AotPackLimit = TimeSpan.FromMinutes(10);
    private readonly string _directory = Directory.CreateTempSubdirectory("claude-runner-tool-").FullName;

    /// <summary>This machine's platform: the one RID whose native package can be built here.</summary>
    public static string Platform { get; } = RuntimeInformation.RuntimeIdentifier;

    public string Version { get; } = "0.1.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public string Feed => Path.Combine(_directory, "feed");

    public string FallbackFeed => Path.Combine(_directory, "fallback-feed");

    public async Task InitializeAsync()
    {
        var sources = Path.Combine(_directory, "sources");
        CopySources(sources);
        var project = Path.Combine(sources, "src", "ClaudeRunner.Cli");
        await PackAsync(sources, project, "-o", Feed);
        await PackAsync(sources, project, "-o", Feed, "-r", Platform);
        await PackAsync(sources, project, "-o", Feed, "-r", "any");

        Directory.CreateDirectory(FallbackFeed);
        File.Copy(Path.Combine(Feed, $"ClaudeRunner.Cli.any.{Version}.nupkg"), Path.Combine(FallbackFeed, $"ClaudeRunner.Cli.any.{Version}.nupkg"));
        var listed = (await ToolRuntimeIdentifiersAsync(project)).Where(rid => rid != Platform);
        // Quoted, so that MSBuild keeps the list one property (an escaped %3B would make it one RID).
        await PackAsync(sources, project, "-o", FallbackFeed, $"-p:ToolPackageRuntimeIdentifiers=\"{string.Join(';', listed)}\"");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task PackAsync(string sources, string project, params string[] arguments)
    {
        var pack = await DotnetCli.RunAsync(sources, new Dictionary<string, string>(), AotPackLimit, ["pack", project, "-c", "Release", $"-p:Version={Version}", "-nr:false", .. arguments]);
        Assert.True(pack.ExitCode == 0, pack.Output);
    }

    private static async Task<string[]> ToolRuntimeIdentifiersAsync(string project)
    {
        var query = await DotnetCli.RunAsync(Path.GetDirectoryName(project)!, "msbuild", project, "-getProperty:ToolPackageRuntimeIdentifiers");
        Assert.True(query.ExitCode == 0, query.Output);
        return query.Output.Trim().Split(';', StringSplitOptions.RemoveEmptyEntries);
    }

    // What the CLI's build reads: the engine and the CLI without their build output, and the repository-wide settings.
    private static void CopySources(string destination)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            Directory.CreateDirectory(destination);
            File.Copy(Path.Combine(DotnetCli.RepositoryRoot, file), Path.Combine(destination, file));
        }

        foreach (var project in new[] { "ClaudeRunner.Core", "ClaudeRunner.Cli" })
        {
            var from = Path.Combine(DotnetCli.RepositoryRoot, "src", project);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
                {
                    continue;
                }

                var target = Path.Combine(destination, "src", project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }
}
