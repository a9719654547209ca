namespace ClaudeRunner;

/// <summary>One problem with the input of a run: a prompts file, an option or a setting.</summary>
/// <param name="Message">What is wrong, as a full sentence.</param>
/// <param name="Location">Where it is wrong, when the input has a place.</param>
public sealed record InputError(string Message, SourceLocation? Location = null)
{
    /// <inheritdoc />
    public override string ToString() => Location is null ? Message : $"{Location}: {Message}";
}

/// <summary>
/// Thrown before anything runs when the input of a run is invalid. It carries every error found,
/// not just the first, so a user can fix them in one go.
/// </summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    public InvalidInputException(IReadOnlyList<InputError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Every error found, in input order.</summary>
    public IReadOnlyList<InputError> Errors { get; }
}
