namespace ClaudeRunner.Options.Generator;

/// <summary>
/// The generated declarations of each front end: the MSBuild task's parameters, and the Cake settings with their
/// fluent <c>With…</c> setters. Each member is documented from its row's help text.
/// </summary>
internal static class FrontEndSources
{
    /// <summary>The parameters of <c>RunClaudeParallel</c>: text for what the table parses, bool for flags, string[] for item lists.</summary>
    public static string MSBuildTask(IEnumerable<OptionRow> rows)
    {
        var writer = new SourceWriter("ClaudeRunner.MSBuild");
        writer.Open("partial class RunClaudeParallel");
        Members(writer, rows, row =>
        {
            writer.Doc("summary", Described(row.Help, row));
            Property(writer, row.Name, row.Shape switch
            {
                ValueShape.Flag => ("bool", FlagDefault(row)),
                ValueShape.ItemList or ValueShape.Environment => ("string[]", " = [];"),
                _ => ("string?", string.Empty), // MSBuild passes text; the table's kind parses it.
            });
        });
        writer.Close();
        return writer.ToString();
    }

    /// <summary>The typed properties of <c>ClaudeRunnerSettings</c> and one <c>With…</c> setter for each.</summary>
    public static string CakeSettings(IEnumerable<OptionRow> rows)
    {
        var writer = new SourceWriter("Cake.ClaudeRunner");
        writer.Open("partial class ClaudeRunnerSettings");
        Members(writer, rows, row =>
        {
            writer.Doc("summary", Described($"Gets or sets {(row.Shape == ValueShape.Flag ? "whether to " : string.Empty)}{LowerFirst(row.Help)}", row));
            Property(writer, row.Name, row.Shape switch
            {
                ValueShape.Flag => ("bool", FlagDefault(row)),
                ValueShape.SplitList or ValueShape.ItemList => ("global::System.Collections.Generic.ICollection<string>", " = [];"),
                ValueShape.Environment => ("global::System.Collections.Generic.IDictionary<string, string>",
                    " = new global::System.Collections.Generic.Dictionary<string, string>(global::System.StringComparer.Ordinal);"),
                var shape => (CakeValueType(shape) + "?", string.Empty),
            });
        });
        writer.Close();

        writer.Open("static partial class ClaudeRunnerSettingsExtensions");
        Members(writer, rows, row => Setter(writer, row));
        writer.Close();
        return writer.ToString();
    }

    private static void Setter(SourceWriter writer, OptionRow row)
    {
        var setting = $"<see cref=\"ClaudeRunnerSettings.{row.Name}\"/>";
        var help = SourceWriter.Escape(LowerFirst(row.Help));
        var signature = $"public static ClaudeRunnerSettings With{row.Name}(this ClaudeRunnerSettings settings, ";
        writer.Doc("summary", row.Shape switch
        {
            ValueShape.SplitList or ValueShape.ItemList => $"Adds entries to {setting}: {help}",
            ValueShape.Environment => $"Sets one variable of {setting}: {help}",
            _ => $"Sets {setting}: {help}",
        });
        writer.Doc("param name=\"settings\"", "The settings.");
        switch (row.Shape)
        {
            case ValueShape.SplitList or ValueShape.ItemList:
                writer.Doc("param name=\"values\"", "The entries to add.");
                Returns(writer, signature + "params string[] values", $"AddAll(s.{row.Name}, values)");
                break;
            case ValueShape.Environment:
                // One variable per call, so the setter is named in the singular: WithEnvironmentVariable.
                writer.Doc("param name=\"name\"", "The variable's name.");
                writer.Doc("param name=\"value\"", "The variable's value.");
                Returns(writer, $"public static ClaudeRunnerSettings With{row.Name.TrimEnd('s')}(this ClaudeRunnerSettings settings, string name, string value", $"s.{row.Name}[name] = value");
                break;
            case ValueShape.Flag:
                writer.Doc("param name=\"value\"", "Whether it is on; on when left out.");
                Returns(writer, signature + "bool value = true", $"s.{row.Name} = value");
                break;
            default:
                writer.Doc("param name=\"value\"", "The value.");
                Returns(writer, signature + CakeValueType(row.Shape) + " value", $"s.{row.Name} = value");
                break;
        }
    }

    /// <summary>The end of a setter: its return documentation, signature and body (through the hand-written <c>Set</c>).</summary>
    private static void Returns(SourceWriter writer, string signature, string set)
    {
        writer.Doc("returns", "The same settings.");
        writer.Line(signature + ") =>");
        writer.Line($"    Set(settings, s => {set});");
    }

    /// <summary>The Cake type of a single value (what a setter takes; the setting is the nullable of it).</summary>
    private static string CakeValueType(ValueShape shape) => shape switch
    {
        ValueShape.FilePath => "global::Cake.Core.IO.FilePath",
        ValueShape.DirectoryPath => "global::Cake.Core.IO.DirectoryPath",
        ValueShape.WholeNumber => "int",
        ValueShape.Usd => "decimal",
        ValueShape.Duration => "global::System.TimeSpan",
        _ => "string",
    };

    /// <summary>An auto-property with its initializer: the option's unset value (an empty list, a flag's default).</summary>
    private static void Property(SourceWriter writer, string name, (string Type, string Initializer) declaration) =>
        writer.Line($"public {declaration.Type} {name} {{ get; set; }}{declaration.Initializer}");

    private static string FlagDefault(OptionRow row) => row.IsOnByDefault ? " = true;" : string.Empty;

    private static void Members(SourceWriter writer, IEnumerable<OptionRow> rows, Action<OptionRow> write)
    {
        var first = true;
        foreach (var row in rows)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            write(row);
        }
    }

    /// <summary>The escaped sentence with the row's default, when the table states it as a literal.</summary>
    private static string Described(string sentence, OptionRow row) =>
        SourceWriter.Escape(row.DefaultText is { } defaultText ? $"{sentence} Default: {defaultText}." : sentence);

    /// <summary>"The most claude processes" → "the most claude processes", to follow "Gets or sets"; "PATH" stays.</summary>
    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text.Substring(1) : text;
}
