namespace ClaudeRunner;

/// <summary>
/// Sets options of a <see cref="RunRequest"/> from what a front end was given: text (MSBuild parameters and
/// metadata), entries (repeated CLI options, MSBuild item lists) or typed values (Cake settings). A value that
/// breaks its option's rule becomes one <see cref="InputError"/> in the same words everywhere; only the name
/// shown (<c>MaxTurns</c>, <c>--max-turns</c>) and the location differ.
/// </summary>
public static class OptionValues
{
    /// <summary>The request with <paramref name="option"/> read from <paramref name="text"/>; blank text leaves it unset.</summary>
    /// <param name="request">The request.</param>
    /// <param name="option">The option.</param>
    /// <param name="text">The text; null or blank for unset.</param>
    /// <param name="shownName">The option's name where the value was written, for the error.</param>
    /// <param name="location">Where the value was written, for the error.</param>
    /// <param name="errors">Receives the error of an invalid value.</param>
    public static RunRequest WithText(this RunRequest request, RunOption option, string? text, string shownName, SourceLocation? location, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            return request;
        }

        return option.Kind.ParseText(text) is { } value ? option.Apply(request, value) : Invalid(request, shownName, option, $"'{text}'", location, errors);
    }

    /// <summary>The request with <paramref name="option"/> read from entries (one per item); no entries leave it unset.</summary>
    /// <param name="request">The request.</param>
    /// <param name="option">The option.</param>
    /// <param name="items">The entries.</param>
    /// <param name="shownName">The option's name where the value was written, for the error.</param>
    /// <param name="location">Where the value was written, for the error.</param>
    /// <param name="errors">Receives the error of an invalid value.</param>
    public static RunRequest WithItems(this RunRequest request, RunOption option, IReadOnlyList<string> items, string shownName, SourceLocation? location, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(errors);
        if (items.Count == 0)
        {
            return request;
        }

        return option.Kind.ParseItems(items) is { } value ? option.Apply(request, value) : Invalid(request, shownName, option, $"'{string.Join(";", items)}'", location, errors);
    }

    /// <summary>The request with <paramref name="option"/> set to a typed value; null leaves it unset.</summary>
    /// <param name="request">The request.</param>
    /// <param name="option">The option.</param>
    /// <param name="value">The value, of the option's type (<see cref="int"/>, <see cref="TimeSpan"/>, a list of strings, …).</param>
    /// <param name="shownName">The option's name where the value was given, for the error.</param>
    /// <param name="location">Where the value was given, for the error.</param>
    /// <param name="errors">Receives the error of an invalid value.</param>
    public static RunRequest WithValue(this RunRequest request, RunOption option, object? value, string shownName, SourceLocation? location, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            return request;
        }

        return option.Kind.Accepts(value) ? option.Apply(request, value) : Invalid(request, shownName, option, $"'{option.Kind.Display(value)}'", location, errors);
    }

    /// <summary>
    /// A prompt's options from MSBuild item metadata, named like the prompts file's keys in any case
    /// (<c>Model</c>, <c>WorkingDirectory</c>, <c>Env</c>, <c>Args</c>, …). Other metadata is left alone: items carry well-known metadata too.
    /// </summary>
    /// <param name="metadata">The metadata by name.</param>
    /// <param name="location">Where the item was written, for errors.</param>
    /// <param name="errors">Receives one error per invalid value.</param>
    public static PromptOptions FromMetadata(IEnumerable<KeyValuePair<string, string>> metadata, SourceLocation? location, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var request = new RunRequest();
        foreach (var (name, text) in metadata)
        {
            if (RunOptions.ForMetadata(name) is { } option)
            {
                request = request.WithText(option, text, name, location, errors);
            }
        }

        return request.Defaults;
    }

    /// <summary>The problems of the values set in <paramref name="request"/>, one per option that breaks its rule.</summary>
    internal static IEnumerable<InputError> Problems(RunRequest request) => Problems(RunOptions.All, request, null);

    /// <summary>The problems of a prompt's own options (given in memory), one per option that breaks its rule.</summary>
    internal static IEnumerable<InputError> Problems(PromptOptions options, SourceLocation? location) =>
        Problems(RunOptions.All.Where(option => option.IsPerPrompt), new RunRequest { Defaults = options }, location);

    private static IEnumerable<InputError> Problems(IEnumerable<RunOption> options, RunRequest request, SourceLocation? location) =>
        options
            .Select(option => (option, value: option.ValueIn(request)))
            .Where(set => set.value is not null && !set.option.Kind.Accepts(set.value))
            .Select(set => Error(set.option.Name, set.option, $"'{set.option.Kind.Display(set.value!)}'", location));

    private static RunRequest Invalid(RunRequest request, string shownName, RunOption option, string got, SourceLocation? location, ICollection<InputError> errors)
    {
        errors.Add(Error(shownName, option, got, location));
        return request;
    }

    private static InputError Error(string shownName, RunOption option, string got, SourceLocation? location) =>
        new($"{shownName} {option.Kind.Rule} (got {got}).", location);
}
