using Cake.Core;
using Cake.Core.IO;
using ClaudeRunner;

namespace Cake.ClaudeRunner;

/// <summary>
/// How <see cref="ClaudeRunnerAliases.RunClaudeParallel(Cake.Core.ICakeContext, FilePath, ClaudeRunnerSettings)"/> runs the prompts.
/// The names match the MSBuild task's parameters. Prompt options set here (model, tools, timeout, …) apply to
/// prompts that set none themselves: a prompts file's <c>defaults</c> and a prompt's own options win.
/// Relative paths resolve against Cake's working directory. The settings (<c>MaxParallel</c>, <c>Model</c>, …) are
/// generated from the option table, <see cref="RunOptions"/>.
/// </summary>
public sealed partial class ClaudeRunnerSettings
{
    /// <summary>
    /// The engine's request for <paramref name="source"/> with these settings; relative paths resolve against Cake's working directory.
    /// </summary>
    /// <exception cref="InvalidInputException">A setting breaks its option's rule.</exception>
    internal RunRequest ToRunRequest(PromptSource source, ICakeEnvironment environment)
    {
        var request = new RunRequest { Sources = [source], BaseDirectory = environment.WorkingDirectory.FullPath };
        var errors = new List<InputError>();
        foreach (var option in RunOptions.All.Where(option => option.IsFrontEndParameter))
        {
            request = request.WithValue(option, EngineValue(typeof(ClaudeRunnerSettings).GetProperty(option.Name)!.GetValue(this)), option.Name, null, errors);
        }

        return errors.Count == 0 ? request : throw new InvalidInputException(errors);
    }

    // Cake's paths stay as written (a bare "claude" is looked up on PATH; the engine resolves the rest against
    // BaseDirectory); an empty collection means unset.
    private static object? EngineValue(object? setting) => setting switch
    {
        Core.IO.Path path => path.FullPath,
        IDictionary<string, string> { Count: 0 } or ICollection<string> { Count: 0 } => null,
        IDictionary<string, string> environment => new Dictionary<string, string>(environment, StringComparer.Ordinal),
        ICollection<string> items => items.ToArray(),
        _ => setting,
    };
}
