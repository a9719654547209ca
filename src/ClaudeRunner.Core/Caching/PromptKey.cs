using System.Security.Cryptography;
using System.Text;

namespace ClaudeRunner;

/// <summary>
/// What decides what claude does for a prompt, as a SHA-256: the prompt text, every option that reaches claude's
/// command line or environment, the working directory relative to the run's base directory, claude's version, and
/// the content of the prompt's inputs (declared, its own file, and the files claude reads by itself). Each part is
/// kept as its own digest so that a miss can say what changed. Paths are relative, so a clone elsewhere or another
/// CI agent computes the same key. Environment values enter as digests only, secret ones stretched (PBKDF2) so a
/// short secret cannot be found from the cache by trying values.
/// </summary>
internal sealed record PromptKey(string Value, IReadOnlyDictionary<string, string> Parts)
{
    private const string Format = "claude-runner-key/1";

    // Options that shape the key through other parts (the directory, the inputs, findings through the command line) or that
    // do not change what claude does (FailOn judges the recorded answer again on every run).
    private static readonly HashSet<string> NotClaudeOptions = ["WorkingDirectory", "Timeout", "Retries", "Inputs", "EnvironmentVariables", "Findings", "FailOn"];

    /// <summary>The key of <paramref name="planned"/>; file and secret digests come from the run's <paramref name="digests"/>.</summary>
    public static PromptKey Compute(PlannedPrompt planned, string baseDirectory, string claudeVersion, KeyDigests digests)
    {
        var prompt = planned.Prompt;
        var options = prompt.Options;
        var workingDirectory = options.WorkingDirectory!;
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["claude"] = digests.Shared(claudeVersion),
            ["text"] = Digest(prompt.Text),
            ["directory"] = digests.Shared(Path.GetRelativePath(baseDirectory, workingDirectory).Replace('\\', '/')),
            // The whole argument list (not the executable's path, which differs between machines): whatever option reaches claude.
            ["command"] = digests.Shared(string.Join('\0', planned.Command.Arguments)),
        };
        var request = new RunRequest { Defaults = options };
        foreach (var option in RunOptions.All.Where(o => o.IsPerPrompt && !NotClaudeOptions.Contains(o.Name)))
        {
            if (option.ValueIn(request) is { } value)
            {
                parts[digests.Pooled($"option:{option.FileKey}")] = digests.Shared(option.Kind.Display(value));
            }
        }

        foreach (var (name, value) in options.Env ?? new Dictionary<string, string>())
        {
            parts[digests.Pooled($"env:{name}")] = SecretRedactor.IsSecretName(name) ? digests.Secret(value) : digests.Shared(value);
        }

        foreach (var (path, digest) in digests.Inputs(planned))
        {
            parts[digests.Pooled($"input:{path}")] = digest;
        }

        var material = new StringBuilder(Format).Append('\n');
        foreach (var (name, digest) in parts)
        {
            material.Append(name).Append('=').Append(digest).Append('\n');
        }

        return new PromptKey(Digest(material.ToString()), parts);
    }

    /// <summary>What changed since <paramref name="earlier"/>, in the words of a dry run: "prompt text changed", "input src/a.cs changed".</summary>
    public string ChangeSince(RecordedSuccess earlier)
    {
        string? Changed(string part) => Parts.GetValueOrDefault(part) == earlier.Parts.GetValueOrDefault(part) ? null : part;
        var changed = Parts.Keys.Union(earlier.Parts.Keys).Where(part => Changed(part) is not null).ToList();
        return changed.FirstOrDefault(part => part == "claude") is not null ? "claude version changed"
            : changed.Contains("text") ? "prompt text changed"
            : changed.Contains("directory") ? "working directory changed"
            : changed.FirstOrDefault(part => part.StartsWith("option:", StringComparison.Ordinal)) is { } option ? $"option {option["option:".Length..]} changed"
            : changed.FirstOrDefault(part => part.StartsWith("env:", StringComparison.Ordinal)) is { } env ? $"environment variable {env["env:".Length..]} changed"
            : changed.FirstOrDefault(part => part.StartsWith("input:", StringComparison.Ordinal)) is { } input
                ? $"input {input["input:".Length..]} {(!earlier.Parts.ContainsKey(input) ? "added" : !Parts.ContainsKey(input) ? "removed" : "changed")}"
            : changed.Count > 0 ? "claude's command line changed"
            : "no earlier success with this key";
    }

    /// <summary>The lowercase hex SHA-256 of a text.</summary>
    public static string Digest(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
