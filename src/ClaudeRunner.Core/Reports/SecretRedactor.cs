using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeRunner;

/// <summary>
/// Replaces the values of secret-looking environment variables (API keys, tokens, passwords) with
/// <c>***</c> in everything the runner writes or shows, so secrets from the environment never reach a log.
/// A value is masked in every form it takes in claude's output: as it is, JSON-escaped (<c>\"</c>,
/// <c>\\</c>, <c>\/</c>, <c>\n</c>, <c>\u0022</c> …) and escaped again inside an escaped string.
/// </summary>
/// <remarks>
/// Which values are masked (README, "Logs and reports"): values of 4 characters or more, except the
/// common setting words (<c>true</c>, <c>false</c>, <c>yes</c>, <c>no</c>, <c>on</c>, <c>off</c>,
/// <c>none</c>, <c>null</c>) and whole numbers of fewer than 6 digits, which are everywhere in
/// ordinary output (ports, counts, durations). A masked number is masked only as a whole number.
/// </remarks>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    private const int MinimumSecretLength = 4;
    private const int MinimumNumberLength = 6;

    // The longest single escape of one UTF-16 char: \uXXXX.
    private const int LongestEscape = 6;

    private static readonly string[] SettingWords = ["true", "false", "yes", "no", "on", "off", "none", "null"];

    private readonly string[] _secrets;
    private readonly Regex? _pattern;

    private SecretRedactor(IEnumerable<string> secrets)
    {
        // Longest first, so a secret that contains another is masked whole.
        _secrets = [.. secrets.Where(IsMaskable).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
        _pattern = _secrets.Length == 0
            ? null
            : new Regex(string.Join('|', _secrets.Select(Pattern)), RegexOptions.CultureInvariant | RegexOptions.Compiled);

        // Escaped forms are longer than the value: a split line must keep back enough to see one whole.
        LongestSecret = _secrets.Length == 0 ? 0 : _secrets[0].Length * LongestEscape;
    }

    /// <summary>The length of the longest form a secret can take in the output, 0 when there is none.</summary>
    public int LongestSecret { get; }

    /// <summary>A redactor for the secrets in this process's environment and in <paramref name="extra"/> (e.g. a prompt's <c>env</c>).</summary>
    public static SecretRedactor FromEnvironment(IEnumerable<IReadOnlyDictionary<string, string>> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        return new SecretRedactor(SecretValues(ProcessEnvironment().Concat(extra.SelectMany(e => e))));
    }

    /// <summary>This redactor, plus the secrets among <paramref name="variables"/> (a prompt's <c>env</c>).</summary>
    public SecretRedactor With(IReadOnlyDictionary<string, string>? variables) =>
        variables is null || !variables.Any(v => IsSecretName(v.Key)) ? this : new SecretRedactor(_secrets.Concat(SecretValues(variables)));

    /// <summary>Whether a variable of this name holds a secret.</summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name) && !NotSecretName().IsMatch(name);

    /// <summary><paramref name="text"/> with every secret masked, in whatever encoding it appears.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _pattern is null ? text : _pattern.Replace(text, Mask);
    }

    /// <summary>
    /// A JSON value (claude's structured output) with every secret in its strings and names masked; numbers are kept,
    /// so the result stays JSON (a secret that is a bare number is not masked).
    /// </summary>
    public System.Text.Json.JsonElement Redact(System.Text.Json.JsonElement value)
    {
        if (_pattern is null)
        {
            return value.Clone();
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            Write(json, value);
        }

        using var document = System.Text.Json.JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void Write(System.Text.Json.Utf8JsonWriter json, System.Text.Json.JsonElement value)
    {
        switch (value.ValueKind)
        {
            case System.Text.Json.JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    json.WritePropertyName(Redact(property.Name));
                    Write(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case System.Text.Json.JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(json, item);
                }

                json.WriteEndArray();
                break;
            case System.Text.Json.JsonValueKind.String:
                json.WriteStringValue(Redact(value.GetString()!));
                break;
            default:
                value.WriteTo(json);
                break;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>((string)e.Key, e.Value as string ?? string.Empty));

    private static IEnumerable<string> SecretValues(IEnumerable<KeyValuePair<string, string>> variables) =>
        variables.Where(v => IsSecretName(v.Key)).Select(v => v.Value);

    private static bool IsMaskable(string value) =>
        value.Length >= MinimumSecretLength
        && !SettingWords.Contains(value, StringComparer.OrdinalIgnoreCase)
        && !(value.Length < MinimumNumberLength && value.All(char.IsAsciiDigit));

    /// <summary>A pattern that matches the value raw, JSON-escaped once or more, or any mix (claude escapes per char).</summary>
    private static string Pattern(string secret)
    {
        var pattern = new StringBuilder();
        if (secret.All(char.IsAsciiDigit))
        {
            // 123456 is a secret; 1234567 is another number.
            pattern.Append(@"(?<![0-9])");
        }

        foreach (var c in secret)
        {
            pattern.Append("(?:").Append(Regex.Escape(c.ToString()));
            var code = ((int)c).ToString("x4", CultureInfo.InvariantCulture);
            pattern.Append(@"|\\+u").Append(string.Concat(code.Select(HexDigit)));
            switch (c)
            {
                case '"' or '\\' or '/':
                    pattern.Append(@"|\\+").Append(Regex.Escape(c.ToString()));
                    break;
                case '\b' or '\f' or '\n' or '\r' or '\t':
                    pattern.Append(@"|\\+").Append(c switch { '\b' => 'b', '\f' => 'f', '\n' => 'n', '\r' => 'r', _ => 't' });
                    break;
            }

            pattern.Append(')');
        }

        if (secret.All(char.IsAsciiDigit))
        {
            pattern.Append(@"(?![0-9])");
        }

        return pattern.ToString();
    }

    private static string HexDigit(char digit) => char.IsAsciiLetter(digit) ? $"[{digit}{char.ToUpperInvariant(digit)}]" : digit.ToString();

    [GeneratedRegex(
        "KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS(_|$)|_PWD$|^PGPASS|CREDENTIAL|(^|_)AUTH(_|$)|AUTHORIZATION|PRIVATE|COOKIE|SIGNATURE|SESSION|"
        + "CONNECTION_?STRING|(^|_)DSN$|(DATABASE|DB|REDIS|MONGO(DB)?|POSTGRES(QL)?|PG|MYSQL|AMQP|RABBITMQ|BROKER)_UR[LI]$|WEBHOOK",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    // Names that match the pattern above but are well known to hold no secret.
    [GeneratedRegex("^SSH_AUTH_SOCK$|^GPG_AGENT_INFO$|^XDG_SESSION_|^SESSION_MANAGER$|^DBUS_SESSION_BUS_ADDRESS$|_KEYBOARD|^KEYTIMEOUT$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotSecretName();
}
