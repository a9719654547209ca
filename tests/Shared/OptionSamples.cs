namespace ClaudeRunner.Tests;

/// <summary>A valid value of every option, in each form a front end gives it.</summary>
public static class OptionSamples
{
    public static TheoryData<string> ForEveryOption() => [.. RunOptions.All.Select(o => o.Name)];

    public static TheoryData<string> ForEveryFrontEndOption() => [.. RunOptions.All.Where(o => o.IsFrontEndParameter).Select(o => o.Name)];

    /// <summary>The sample as entries, one per item (repeated CLI options, MSBuild item lists).</summary>
    public static string[] Items(RunOption option) => Value(option) switch
    {
        IReadOnlyDictionary<string, string> environment => [.. environment.Select(v => $"{v.Key}={v.Value}")],
        IReadOnlyList<string> list => [.. list],
        _ => [Text(option)],
    };

    /// <summary>The sample as command-line arguments.</summary>
    public static string[] CliArguments(RunOption option) =>
        option.Kind.IsFlag ? [option.Cli!] : [.. Items(option).SelectMany(item => new[] { option.Cli!, item })];

    public static object Value(RunOption option) => option.Kind.Rule switch
    {
        var rule when rule.Contains("whole number", StringComparison.Ordinal) => 3,
        var rule when rule.Contains("US dollars", StringComparison.Ordinal) => 2.5m,
        var rule when rule.Contains("duration", StringComparison.Ordinal) => TimeSpan.FromSeconds(90),
        // The flag's other value: a CLI switch gives only that one.
        var rule when rule.Contains("true or false", StringComparison.Ordinal) => !(bool)(option.ValueIn(new RunRequest()) ?? option.DefaultText == "true"),
        var rule when rule.Contains("auto/n", StringComparison.Ordinal) => "2/4",
        // A permission mode that is not claude's default; for other choices, the last one the rule lists.
        var rule when rule.Contains("one of", StringComparison.Ordinal) => rule.Contains("plan", StringComparison.Ordinal) ? "plan" : rule[(rule.LastIndexOf(' ') + 1)..],
        var rule when rule.Contains("JSON Schema", StringComparison.Ordinal) => """{"type":"object","required":["answer"]}""",
        var rule when rule.Contains("NAME=value", StringComparison.Ordinal) => new Dictionary<string, string> { ["CR_A"] = "1", ["CR_B"] = "x=y" },
        var rule when rule.Contains("array", StringComparison.Ordinal) => (IReadOnlyList<string>)["Read", "Bash(git diff:*)"],
        _ => "sample value",
    };

    public static string Text(RunOption option) => Value(option) switch
    {
        TimeSpan => "90s",
        bool flag => flag ? "true" : "false",
        decimal => "2.5",
        IReadOnlyDictionary<string, string> => "CR_A=1;CR_B=x=y",
        IReadOnlyList<string> list => string.Join(';', list),
        var value => value.ToString()!,
    };

    public static string Json(RunOption option) => Value(option) switch
    {
        TimeSpan => "\"90s\"",
        IReadOnlyDictionary<string, string> => "{\"CR_A\": \"1\", \"CR_B\": \"x=y\"}",
        IReadOnlyList<string> list => $"[{string.Join(", ", list.Select(i => $"\"{i}\""))}]",
        string text when text.StartsWith('{') => text,
        string text => $"\"{text}\"",
        var value => System.Text.Json.JsonSerializer.Serialize(value),
    };
}
