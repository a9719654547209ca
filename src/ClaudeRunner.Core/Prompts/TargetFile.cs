namespace ClaudeRunner;

/// <summary>The file a per-file prompt is about: its path relative to the prompt's working directory and its full path.</summary>
/// <param name="RelativePath">Relative to the working directory, <c>/</c>-separated on every platform.</param>
/// <param name="FullPath">The absolute path.</param>
public sealed record TargetFile(string RelativePath, string FullPath)
{
    /// <summary>The file named by <paramref name="fullPath"/>, relative to <paramref name="workingDirectory"/>.</summary>
    public static TargetFile In(string workingDirectory, string fullPath) =>
        new(Path.GetRelativePath(workingDirectory, fullPath).Replace('\\', '/'), fullPath);

    /// <summary>The value of a placeholder (see <see cref="PromptTemplate"/>).</summary>
    internal string Value(string placeholder) => placeholder switch
    {
        "file" => RelativePath,
        "fullPath" => FullPath,
        "fileName" => Path.GetFileName(FullPath),
        "fileStem" => Path.GetFileNameWithoutExtension(FullPath),
        "dir" => Path.GetDirectoryName(RelativePath) is { Length: > 0 } directory ? directory.Replace('\\', '/') : ".",
        "ext" => Path.GetExtension(FullPath),
        _ => throw new ArgumentOutOfRangeException(nameof(placeholder), placeholder, "Not a placeholder."),
    };
}
