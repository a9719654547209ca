using System.Text;

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

    /// <summary>Standard input as strict UTF-8: a byte that is not UTF-8 is an error, never a silent U+FFFD.</summary>
    public static TextReader StrictStandardInput() =>
        new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));

    private static PromptSource FromStandardInput(TextReader standardInput)
    {
        var json = ReadCapped(standardInput);
        return string.IsNullOrWhiteSpace(json)
            ? throw new UsageException("No prompts provided: standard input is empty.")
            : PromptSource.FromJson(json, StandardInputName);
    }

    /// <summary>All of standard input, up to the prompts size limit (<c>/dev/zero</c> must not fill the memory).</summary>
    private static string ReadCapped(TextReader standardInput)
    {
        var text = new StringBuilder();
        var buffer = new char[64 * 1024];
        try
        {
            while (standardInput.Read(buffer, 0, buffer.Length) is var read and > 0)
            {
                text.Append(buffer, 0, read);
                if (text.Length > PromptSource.MaxJsonLength)
                {
                    throw new UsageException($"{StandardInputName}: the prompts JSON is larger than {PromptSource.MaxJsonLength / (1024 * 1024)} MiB.");
                }
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new UsageException($"{StandardInputName}: the prompts JSON is not valid UTF-8: {ex.Message}");
        }

        return text.ToString();
    }
}
