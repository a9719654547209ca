// This repository's build: restore, build, test, pack into artifacts/packages, and a dry run of the
// example prompts through the freshly built Cake add-in.
//   dotnet tool restore && dotnet cake build/build.cake [--target=Default|Restore|Build|Test|Pack|Dogfood] [--configuration=Release] [--test-filter=...]

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");
var testFilter = Argument("test-filter", "");

// Cake's working directory is the script's directory (build/), wherever `dotnet cake` was started.
var root = MakeAbsolute(Directory(".."));
var solution = root.CombineWithFilePath("ClaudeRunner.sln");
var packages = root.Combine("artifacts/packages");

Task("Clean")
    .Description("Deletes artifacts/.")
    .Does(() => CleanDirectory(root.Combine("artifacts")));

Task("Restore")
    .Does(() => DotNetRestore(solution.FullPath));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration, NoRestore = true }));

Task("Test")
    .Description("dotnet test ClaudeRunner.sln (what CI runs).")
    .IsDependentOn("Build")
    .Does(() => DotNetTest(solution.FullPath, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        Filter = testFilter == "" ? null : testFilter,
    }));

Task("Pack")
    .Description("Packs every packable project into artifacts/packages.")
    .IsDependentOn("Test")
    .Does(() => DotNetPack(solution.FullPath, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        OutputDirectory = packages,
    }));

Task("Dogfood")
    .Description("A dry run of examples/prompts.json with the Cake add-in just built (build/dogfood.cake).")
    .IsDependentOn("Build")
    .Does(() =>
{
    // A second script: #r is resolved when a script compiles, before this build has produced the add-in.
    var dogfood = root.Combine("artifacts/dogfood");
    CleanDirectory(dogfood);
    CopyFiles(root.Combine($"src/Cake.ClaudeRunner/bin/{configuration}/net10.0").FullPath + "/*.dll", dogfood);
    var exitCode = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder()
            .Append("cake")
            .AppendQuoted(root.CombineWithFilePath("build/dogfood.cake").FullPath),
        WorkingDirectory = root,
    });
    if (exitCode != 0)
    {
        throw new CakeException($"build/dogfood.cake failed with exit code {exitCode}.");
    }
});

Task("Default")
    .IsDependentOn("Pack")
    .IsDependentOn("Dogfood");

RunTarget(target);
