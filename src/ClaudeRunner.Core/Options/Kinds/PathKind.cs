namespace ClaudeRunner;

/// <summary>
/// A path to a file or, when <see cref="IsDirectory"/>, to a directory: a non-empty text under the rules of
/// <see cref="TextKind"/>. The kind is its own so that typed front ends can declare it as a path (Cake's
/// <c>FilePath</c> or <c>DirectoryPath</c>).
/// </summary>
internal sealed class PathKind(bool isDirectory) : OptionKind
{
    private static readonly TextKind Text = new();

    public bool IsDirectory { get; } = isDirectory;

    public override string Rule => Text.Rule;

    public override object? ParseText(string text) => Text.ParseText(text);

    internal override object? ReadJson(JsonNode node) => Text.ReadJson(node);

    public override bool Accepts(object value) => Text.Accepts(value);
}
