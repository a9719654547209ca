using System.Collections;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// Replaces the values of secret-looking environment variables (API keys, tokens, passwords) with
/// <c>***</c> in everything the runner writes, so secrets from the environment never reach a log.
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    // Shorter values are too likely to be ordinary words ("true", "1") to be worth masking everywhere.
    private const int MinimumSecretLength = 6;

    private readonly string[] _secrets;

    private SecretRedactor(IEnumerable<string> secrets)
    {
        // Longest first, so a secret that contains another is masked whole.
        _secrets = [.. secrets.Where(s => s.Length >= MinimumSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
        LongestSecret = _secrets.Length == 0 ? 0 : _secrets[0].Length;
    }

    /// <summary>The length of the longest secret, 0 when there is none.</summary>
    public int LongestSecret { get; }

    /// <summary>A redactor for the secrets in this process's environment and in <paramref name="extra"/> (e.g. a prompt's <c>env</c>).</summary>
    public static SecretRedactor FromEnvironment(IEnumerable<IReadOnlyDictionary<string, string>> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var variables = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>((string)e.Key, e.Value as string ?? string.Empty))
            .Concat(extra.SelectMany(e => e));
        return new SecretRedactor(variables.Where(v => IsSecretName(v.Key)).Select(v => v.Value));
    }

    /// <summary>Whether a variable of this name holds a secret.</summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary><paramref name="text"/> with every secret masked.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    [GeneratedRegex("KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)AUTH(_|$)|AUTHORIZATION|PRIVATE|COOKIE|SIGNATURE|CONNECTION_?STRING", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
