namespace Cake.ClaudeRunner;

/// <summary>
/// Fluent setters for <see cref="ClaudeRunnerSettings"/>: each sets one option and returns the same settings. The setters
/// are generated from the option table; the helpers they call are here.
/// </summary>
public static partial class ClaudeRunnerSettingsExtensions
{
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
