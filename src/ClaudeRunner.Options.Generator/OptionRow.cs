namespace ClaudeRunner.Options.Generator;

/// <summary>How a front end declares an option's value, by the kind of its row.</summary>
internal enum ValueShape
{
    /// <summary><c>TextKind</c>, <c>ChoiceKind</c>, <c>ShardKind</c>, <c>SchemaKind</c> (a schema's JSON text or a path).</summary>
    Text,

    /// <summary><c>PathKind(isDirectory: false)</c>.</summary>
    FilePath,

    /// <summary><c>PathKind(isDirectory: true)</c>.</summary>
    DirectoryPath,

    /// <summary><c>WholeNumberKind</c>.</summary>
    WholeNumber,

    /// <summary><c>UsdKind</c>.</summary>
    Usd,

    /// <summary><c>DurationKind</c>.</summary>
    Duration,

    /// <summary><c>FlagKind</c>.</summary>
    Flag,

    /// <summary><c>ListKind(splitsEntries: true, …)</c>: one text holds the whole list.</summary>
    SplitList,

    /// <summary><c>ListKind(splitsEntries: false, …)</c>: one entry per item.</summary>
    ItemList,

    /// <summary><c>EnvironmentKind</c>.</summary>
    Environment,
}

/// <summary>What the front ends' declarations need of one row of the option table.</summary>
internal sealed class OptionRow(string name, ValueShape shape, string help, string? defaultText)
{
    /// <summary>The option's name: the task parameter and the Cake setting.</summary>
    public string Name { get; } = name;

    public ValueShape Shape { get; } = shape;

    /// <summary>The help text, one sentence.</summary>
    public string Help { get; } = help;

    /// <summary>The row's <c>DefaultText</c> when it is a string literal; null otherwise.</summary>
    public string? DefaultText { get; } = defaultText;

    /// <summary>A flag's default: on when the row says <c>DefaultText = "true"</c>.</summary>
    public bool IsOnByDefault => Shape == ValueShape.Flag && DefaultText == "true";
}
