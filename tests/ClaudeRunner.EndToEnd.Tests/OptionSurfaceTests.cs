using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.ClaudeRunner;
using ClaudeRunner.MSBuild;
using ClaudeRunner.Tests;

namespace ClaudeRunner.EndToEnd.Tests;

/// <summary>
/// The drift test: every option of <see cref="RunOptions"/> is present in every surface that must carry it — the MSBuild
/// task's parameters, the declarative target's task call, the Cake settings and their With… setters, the JSON Schema
/// and the README's table of run options. The CLI builds its options from the table, so it cannot drift.
/// </summary>
public sealed partial class OptionSurfaceTests
{
    [Fact]
    public void Every_surface_carries_every_option_of_the_table()
    {
        Assert.Empty(Drift(OptionSurfaces.OfThisRepository()));
    }

    [Theory]
    [InlineData("task parameter")]
    [InlineData("targets task call")]
    [InlineData("Cake setting")]
    [InlineData("Cake With… setter")]
    [InlineData("schema")]
    [InlineData("README")]
    public void A_surface_that_lacks_an_option_is_reported(string surface)
    {
        var option = RunOptions.ForName("MaxTurns")!;
        var actual = OptionSurfaces.OfThisRepository();
        var lacking = surface switch
        {
            "task parameter" => actual with { TaskParameters = actual.TaskParameters.Remove(option.Name) },
            "targets task call" => actual with { TargetsTaskCall = actual.TargetsTaskCall.Remove(option.Name) },
            "Cake setting" => actual with { CakeSettings = actual.CakeSettings.Remove(option.Name) },
            "Cake With… setter" => actual with { CakeSetters = actual.CakeSetters.Remove("With" + option.Name) },
            "schema" => actual with { SchemaKeys = actual.SchemaKeys.Remove(option.FileKey!) },
            _ => actual with { ReadmeRows = [.. actual.ReadmeRows.Where(row => !row.Contains($"`{option.Name}`", StringComparison.Ordinal))] },
        };

        Assert.Equal($"MaxTurns: no {surface}", Assert.Single(Drift(lacking)));
    }

    /// <summary>What each surface lacks, one line per option and surface.</summary>
    private static IEnumerable<string> Drift(OptionSurfaces surfaces)
    {
        foreach (var option in RunOptions.All)
        {
            if (option.IsFrontEndParameter)
            {
                if (!surfaces.TaskParameters.Contains(option.Name))
                {
                    yield return $"{option.Name}: no task parameter";
                }

                if (!surfaces.TargetsTaskCall.Contains(option.Name))
                {
                    yield return $"{option.Name}: no targets task call";
                }

                if (!surfaces.CakeSettings.Contains(option.Name))
                {
                    yield return $"{option.Name}: no Cake setting";
                }

                // A setter that adds one entry is named in the singular (WithEnvironmentVariable).
                if (!surfaces.CakeSetters.Contains("With" + option.Name) && !surfaces.CakeSetters.Contains("With" + option.Name.TrimEnd('s')))
                {
                    yield return $"{option.Name}: no Cake With… setter";
                }

                if (!surfaces.ReadmeRows.Any(row => row.Contains($"`{option.Name}`", StringComparison.Ordinal) && row.Contains($"`{option.Cli}", StringComparison.Ordinal)))
                {
                    yield return $"{option.Name}: no README";
                }
            }

            if (option.FileKey is { } key && !surfaces.SchemaKeys.Contains(key))
            {
                yield return $"{option.Name}: no schema";
            }
        }
    }

    /// <summary>The option names each surface carries.</summary>
    private sealed record OptionSurfaces(
        ImmutableSet TaskParameters,
        ImmutableSet TargetsTaskCall,
        ImmutableSet CakeSettings,
        ImmutableSet CakeSetters,
        ImmutableSet SchemaKeys,
        IReadOnlyList<string> ReadmeRows)
    {
        public static OptionSurfaces OfThisRepository()
        {
            var targets = File.ReadAllText(Path.Combine(DotnetCli.RepositoryRoot, "src", "ClaudeRunner.MSBuild", "build", "ClaudeRunner.MSBuild.targets"));
            using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(DotnetCli.RepositoryRoot, "schema", "prompts.schema.json")));
            var readme = File.ReadAllLines(Path.Combine(DotnetCli.RepositoryRoot, "README.md"));
            var optionsTable = readme.SkipWhile(line => line != "## Run options").Skip(1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal));
            return new(
                new(typeof(RunClaudeParallel).GetProperties().Select(p => p.Name)),
                new(TaskCallParameter().Matches(targets).Select(m => m.Groups["name"].Value)),
                new(typeof(ClaudeRunnerSettings).GetProperties().Select(p => p.Name)),
                new(typeof(ClaudeRunnerSettingsExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name)),
                new(schema.RootElement.GetProperty("$defs").GetProperty("options").GetProperty("properties").EnumerateObject().Select(p => p.Name)),
                [.. optionsTable.Where(line => line.StartsWith('|'))]);
        }
    }

    /// <summary>A set of names that can lose one, for the tests that prove a missing entry is found.</summary>
    private sealed class ImmutableSet(IEnumerable<string> names)
    {
        private readonly HashSet<string> _names = new(names, StringComparer.Ordinal);

        public bool Contains(string name) => _names.Contains(name);

        public ImmutableSet Remove(string name) => new(_names.Where(n => n != name));
    }

    // MaxParallel="$(ClaudeMaxParallel)" in the task call.
    [GeneratedRegex(@"(?<name>\w+)=""\$\((Claude)?\k<name>\)""")]
    private static partial Regex TaskCallParameter();
}
