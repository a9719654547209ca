using System.Text.Json;

namespace ClaudeRunner;

/// <summary>
/// What <c>findings: true</c> means: the built-in schema and system-prompt addition that ask claude for findings, and
/// the reading of its answer into <see cref="Finding"/>s, each checked to name an existing file inside the repository
/// (a finding that does not is kept as a note on the prompt, never reported at its path), then judged against <c>FailOn</c>.
/// </summary>
internal static class FindingsReport
{
    /// <summary>The answer of a review: <c>{"findings": [{"file", "line", "column"?, "endLine"?, "endColumn"?, "severity", "code"?, "message"}]}</c>.</summary>
    public static OutputSchema Schema { get; } = new("""
        {"type":"object","properties":{"findings":{"type":"array","items":{"type":"object","properties":{
        "file":{"type":"string","minLength":1,"description":"The file, relative to the working directory, with / between folders."},
        "line":{"type":"integer","minimum":1,"description":"The 1-based line the finding starts at."},
        "column":{"type":"integer","minimum":1},"endLine":{"type":"integer","minimum":1},"endColumn":{"type":"integer","minimum":1},
        "severity":{"enum":["error","warning","note"]},
        "code":{"type":"string","pattern":"^[A-Za-z]{1,10}[0-9]{1,6}$","description":"An optional rule code: letters then digits, such as SEC001."},
        "message":{"type":"string","minLength":1,"description":"What is wrong and why, in one or two sentences."}},
        "required":["file","line","severity","message"],"additionalProperties":false}}},
        "required":["findings"],"additionalProperties":false}
        """.ReplaceLineEndings(string.Empty));

    private const string Instructions =
        "Report your review through the StructuredOutput tool as a list of findings. For each finding give: the file, as a path "
        + "relative to the current working directory with / between folders; the 1-based line where it starts (and, when you know "
        + "them, the column, end line and end column); a severity: error for defects that must be fixed, warning for likely problems, "
        + "note for suggestions; optionally a code of letters then digits; and a short message. Report only files that exist. "
        + "When there is nothing to report, return an empty list.";

    /// <summary>The <c>--append-system-prompt</c> of a review: the user's own text, then how to report.</summary>
    public static string SystemPrompt(string? userText) => userText is null ? Instructions : $"{userText}\n\n{Instructions}";

    /// <summary>
    /// The result of a review prompt whose claude succeeded (or whose success is recorded): its findings added, and its
    /// outcome <see cref="Outcome.FindingsReported"/> when any reaches the prompt's <c>FailOn</c>.
    /// </summary>
    public static PromptResult Judge(PromptResult result, Prompt prompt)
    {
        if (prompt.Options.Findings != true || result.Output is not { } output)
        {
            return result;
        }

        var threshold = prompt.Options.FailOn switch
        {
            "never" => (FindingSeverity?)null,
            "warning" => FindingSeverity.Warning,
            _ => FindingSeverity.Error,
        };
        var findings = Read(output, prompt).Select(f => f with { Fails = f.ReportedSeverity >= threshold }).ToList();
        var failing = findings.Count(f => f.Fails);
        return failing == 0
            ? result with { Findings = findings }
            : result with
            {
                Findings = findings,
                Outcome = Outcome.FindingsReported,
                Message = $"{RunWording.Findings(failing)} at or above {prompt.Options.FailOn ?? "error"} (FailOn): {RunWording.FindingCounts(findings)}.",
            };
    }

    private static List<Finding> Read(JsonElement output, Prompt prompt)
    {
        var workingDirectory = prompt.Options.WorkingDirectory!;
        var root = Repository.Root(workingDirectory) ?? workingDirectory;
        var findings = new List<Finding>();
        foreach (var item in output.GetProperty("findings").EnumerateArray())
        {
            var file = item.GetProperty("file").GetString()!;
            var fullPath = Path.GetFullPath(file, workingDirectory);
            findings.Add(new Finding
            {
                PromptId = prompt.Id,
                File = file,
                FullPath = fullPath,
                Root = root,
                RootRelativePath = Path.GetRelativePath(root, fullPath).Replace('\\', '/'),
                Line = item.GetProperty("line").GetInt32(),
                Column = Number(item, "column"),
                EndLine = Number(item, "endLine"),
                EndColumn = Number(item, "endColumn"),
                Severity = Enum.Parse<FindingSeverity>(item.GetProperty("severity").GetString()!, ignoreCase: true),
                Code = item.TryGetProperty("code", out var code) ? code.GetString() : null,
                Message = item.GetProperty("message").GetString()!,
                RefusedBecause = Refusal(fullPath, root),
            });
        }

        return findings;
    }

    /// <summary>Why a finding cannot be reported at <paramref name="fullPath"/>, or null. Nothing is ever written there: it is only named.</summary>
    private static string? Refusal(string fullPath, string root)
    {
        var inside = fullPath.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        return !inside ? $"the file is outside '{root}'"
            : !File.Exists(fullPath) ? "no such file"
            : null;
    }

    private static int? Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
