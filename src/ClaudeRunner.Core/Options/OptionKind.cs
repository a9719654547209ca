using System.Globalization;

namespace ClaudeRunner;

/// <summary>
/// What kind of value an option takes: how it is read from the prompts file (JSON) and from text (MSBuild
/// metadata and parameters, CLI arguments), which values are valid, and how a value is shown. One rule per
/// kind, worded once, so every front end accepts and refuses the same values with the same words.
/// </summary>
public abstract class OptionKind
{
    private protected OptionKind()
    {
    }

    /// <summary>The rule of a valid value, worded to follow the option's name: "must be a whole number of at least 1".</summary>
    public abstract string Rule { get; }

    /// <summary>Whether the value is a flag (a CLI switch without a value).</summary>
    public virtual bool IsFlag => false;

    /// <summary>Whether a value is a list that repeated CLI options and MSBuild item lists add to.</summary>
    public virtual bool IsList => false;

    /// <summary>Reads a value written as one text (a metadata value, a task parameter, a CLI argument); null when it is not valid.</summary>
    public abstract object? ParseText(string text);

    /// <summary>Reads a value given one entry per item (a repeated CLI option, an MSBuild <c>string[]</c> parameter); null when any entry is not valid.</summary>
    public virtual object? ParseItems(IReadOnlyList<string> items) => items.Count == 0 ? null : ParseText(items[^1]);

    /// <summary>Reads a value of the prompts file; null when it is not valid.</summary>
    internal abstract object? ReadJson(JsonNode node);

    /// <summary>The part of a refused prompts-file value an error points at: the value itself, or the entry of a list that breaks the rule.</summary>
    internal virtual JsonNode Culprit(JsonNode node) => node;

    /// <summary>Whether a typed value (a Cake setting, an engine property) keeps the rule.</summary>
    public virtual bool Accepts(object value) => true;

    /// <summary>The value as people read it and this kind parses it back.</summary>
    public virtual string Display(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
}
