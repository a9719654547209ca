namespace ClaudeRunner.Cli;

/// <summary>
/// Turns the file arguments and <c>--prompt</c> into prompt sources: files, standard input for <c>-</c> (or for no file
/// and no <c>--prompt</c> at all), then the command line's prompt.
/// </summary>
internal static class PromptSources
{
    /// <summary>How standard input is named in error messages.</summary>
    public const string StandardInputName = "<stdin>";

    public static IReadOnlyList<PromptSource> From(IReadOnlyList<string> files, PromptInput? commandLinePrompt, TextReader standardInput, bool standardInputIsTerminal)
    {
        if (commandLinePrompt is not null)
        {
            // --prompt is a source of its own: standard input is read only when '-' asks for it.
            var commandLine = PromptSource.FromPrompts([commandLinePrompt]);
            return files.Count == 0 ? [commandLine] : [.. From(files, null, standardInput, standardInputIsTerminal), commandLine];
        }

        if (files.Count == 0)
        {
            return standardInputIsTerminal
                ? throw new UsageException("No prompts file given and standard input is a terminal: pass a prompts file, or pipe the prompts JSON in.")
                : [FromStandardInput(standardInput)];
        }

        if (files.Count(file => file == "-") > 1)
        {
            throw new UsageException("Standard input ('-') can be read only once.");
        }

        return [.. files.Select(file => file == "-" ? FromStandardInput(standardInput) : PromptSource.FromFile(file))];
    }

    private static PromptSource FromStandardInput(TextReader standardInput)
    {
        var json = standardInput.ReadToEnd();
        return string.IsNullOrWhiteSpace(json)
            ? throw new UsageException("No prompts provided: standard input is empty.")
            : PromptSource.FromJson(json, StandardInputName);
    }
}
