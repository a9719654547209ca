namespace ClaudeRunner;

/// <summary>A place in an input: a file (or another named source) and a 1-based line and column.</summary>
/// <param name="File">The file path, or a name such as <c>&lt;stdin&gt;</c> for input that has no file.</param>
/// <param name="Line">1-based line; 0 when unknown.</param>
/// <param name="Column">1-based column; 0 when unknown.</param>
public sealed record SourceLocation(string File, int Line = 0, int Column = 0)
{
    /// <summary>The MSBuild/compiler style form: <c>file(line,column)</c>.</summary>
    public override string ToString() => Line <= 0 ? File : Column <= 0 ? $"{File}({Line})" : $"{File}({Line},{Column})";
}
