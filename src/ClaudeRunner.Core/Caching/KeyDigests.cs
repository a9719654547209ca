using System.Security.Cryptography;

namespace ClaudeRunner;

/// <summary>
/// The digests a run's keys are made of, each taken once per run however many prompts share it: file contents
/// (declared inputs, a per-file prompt's own file, and what claude reads by itself) and stretched secret values.
/// </summary>
internal sealed class KeyDigests
{
    // claude reads these by itself unless it runs with --bare (docs/claude-cli.md, "Flags"): they change its request.
    private static readonly string[] MemoryFiles = ["CLAUDE.md", "CLAUDE.local.md"];
    private static readonly string[] ProjectFiles = [".claude/settings.json", ".claude/settings.local.json", ".mcp.json"];

    private readonly Dictionary<string, string?> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<TargetFile>> _globs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shared = new(StringComparer.Ordinal);

    /// <summary>The inputs of a prompt, relative to its working directory (<c>/</c>-separated), with the SHA-256 of each one's content.</summary>
    public IEnumerable<(string Path, string Digest)> Inputs(PlannedPrompt planned)
    {
        var prompt = planned.Prompt;
        var workingDirectory = prompt.Options.WorkingDirectory!;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        if (prompt.Options.Inputs is { } globs)
        {
            files.UnionWith(Matches(workingDirectory, globs).Select(file => file.FullPath));
        }

        if (prompt.File is { } own)
        {
            files.Add(own.FullPath);
        }

        if (!planned.Command.Arguments.Contains("--bare"))
        {
            files.UnionWith(ReadByClaude(workingDirectory));
        }

        foreach (var file in files)
        {
            if (FileDigest(file) is { } digest)
            {
                yield return (Path.GetRelativePath(workingDirectory, file).Replace('\\', '/'), digest);
            }
        }
    }

    /// <summary>
    /// The digest of <paramref name="text"/>, one string for every prompt whose key has the same one (claude's version,
    /// a working directory, an argument list, an option's value): a plan holds each prompt's key until the run ends,
    /// and 100,000 copies of one 64-character digest would be 15 MB.
    /// </summary>
    public string Shared(string text) => Pooled(PromptKey.Digest(text));

    /// <summary>One string for every key part named <paramref name="name"/> (<c>option:model</c>, <c>env:HOME</c>), as <see cref="Shared"/>.</summary>
    public string Pooled(string name)
    {
        if (_shared.TryGetValue(name, out var same))
        {
            return same;
        }

        _shared.Add(name);
        return name;
    }

    /// <summary>
    /// A secret's digest, stretched with PBKDF2 so that a short one cannot be found by trying values against a shared
    /// cache; once per distinct value, since stretching is slow on purpose.
    /// </summary>
    public string Secret(string value)
    {
        if (!_secrets.TryGetValue(value, out var digest))
        {
            digest = Convert.ToHexString(Rfc2898DeriveBytes.Pbkdf2(value, "claude-runner-key/env"u8, 100_000, HashAlgorithmName.SHA256, 32)).ToLowerInvariant();
            _secrets[value] = digest;
        }

        return digest;
    }

    /// <summary>The memory files from the working directory up to its repository's root, and the project's settings there.</summary>
    private static IEnumerable<string> ReadByClaude(string workingDirectory)
    {
        var root = Repository.Root(workingDirectory) ?? workingDirectory;
        for (var directory = workingDirectory; directory is not null; directory = directory == root ? null : Path.GetDirectoryName(directory))
        {
            foreach (var name in MemoryFiles)
            {
                yield return Path.Combine(directory, name);
            }
        }

        foreach (var name in ProjectFiles)
        {
            yield return Path.Combine(root, name);
            yield return Path.Combine(workingDirectory, name);
        }
    }

    // Many prompts share their inputs' globs (a defaults entry): the tree is walked once per glob set.
    private IReadOnlyList<TargetFile> Matches(string workingDirectory, IReadOnlyList<string> globs)
    {
        var memo = $"{workingDirectory}\0{string.Join('\0', globs)}";
        if (!_globs.TryGetValue(memo, out var files))
        {
            files = FileFanOut.Expand(workingDirectory, globs, changedSince: null).Files;
            _globs[memo] = files;
        }

        return files;
    }

    private string? FileDigest(string path)
    {
        if (!_files.TryGetValue(path, out var digest))
        {
            // Most of the files claude would read do not exist: asked first rather than thrown for (a throw is dear under Native AOT).
            digest = Path.Exists(path) ? ContentDigest(path) : null;
            _files[path] = digest;
        }

        return digest;
    }

    private static string? ContentDigest(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
