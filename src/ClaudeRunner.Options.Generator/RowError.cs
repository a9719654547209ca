using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ClaudeRunner.Options.Generator;

/// <summary>
/// A row of the option table the generator cannot read, kept as plain values (not a <see cref="Location"/> in a syntax
/// tree) so that the incremental pipeline can compare results and skip unchanged work.
/// </summary>
internal sealed class RowError(string row, string reason, string path, TextSpan span, LinePositionSpan lines) : IEquatable<RowError>
{
    /// <summary>The row as people find it: its option name, or its line when the name cannot be read.</summary>
    public string Row { get; } = row;

    public string Reason { get; } = reason;

    public string Path { get; } = path;

    public TextSpan Span { get; } = span;

    public LinePositionSpan Lines { get; } = lines;

    public Location Location => Location.Create(Path, Span, Lines);

    public bool Equals(RowError? other) =>
        other is not null && Row == other.Row && Reason == other.Reason && Path == other.Path && Span == other.Span && Lines == other.Lines;

    public override bool Equals(object? obj) => Equals(obj as RowError);

    public override int GetHashCode() => (Row, Reason, Span).GetHashCode();
}
