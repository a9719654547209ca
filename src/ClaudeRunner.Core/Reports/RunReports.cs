using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace ClaudeRunner;

/// <summary>
/// The run's reports: <c>summary.json</c>, the same data in the HTML report (see <see cref="HtmlReport"/>), and a JUnit XML
/// file (one test case per prompt), all written atomically.
/// </summary>
internal static class RunReports
{
    public static void WriteSummary(string path, RunSummary summary) =>
        OwnerOnlyFile.WriteAtomically(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            WriteSummary(json, summary);
        });

    /// <summary>The summary document: totals, then every prompt with its attempts and their timeline lanes.</summary>
    public static void WriteSummary(Utf8JsonWriter json, RunSummary summary)
    {
        var lanes = TimelineLanes.Assign(summary.Results);
        json.WriteStartObject();
        json.WriteString("start", summary.Start);
        json.WriteString("end", summary.End);
        json.WriteNumber("durationMs", (long)summary.Duration.TotalMilliseconds);
        json.WriteBoolean("cancelled", summary.Cancelled);
        json.WriteString("claudeNotFound", summary.ClaudeNotFound);
        if (summary.Shard is { } shard)
        {
            json.WriteStartObject("shard");
            json.WriteNumber("index", shard.Index);
            json.WriteNumber("total", shard.Total);
            json.WriteStartArray("set");
            foreach (var id in summary.ShardSet ?? [])
            {
                json.WriteStringValue(id);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteStartObject("totals");
        json.WriteNumber("prompts", summary.Results.Count);
        // Up-to-date prompts are successes counted on their own: this run did not run them.
        json.WriteNumber("succeeded", summary.SucceededCount - summary.UpToDateCount);
        json.WriteNumber("upToDate", summary.UpToDateCount);
        json.WriteNumber("failed", summary.Results.Count - summary.SucceededCount);
        json.WriteNumber("costUsd", summary.TotalCostUsd);
        WriteTokens(json, summary.TotalTokens);
        json.WriteStartObject("outcomes");
        foreach (var group in summary.Results.GroupBy(r => r.Outcome).OrderBy(g => g.Key))
        {
            json.WriteNumber(group.Key.ToString(), group.Count());
        }

        json.WriteEndObject();
        if (summary.Reviewed)
        {
            WriteFindingCounts(json, summary.Findings);
        }

        json.WriteEndObject();
        json.WriteString("usageLimit", summary.UsageLimit);
        if (summary.Concurrency is { } concurrency)
        {
            WriteConcurrency(json, concurrency);
        }

        json.WriteStartArray("prompts");
        foreach (var (result, promptLanes) in summary.Results.Zip(lanes))
        {
            json.WriteStartObject();
            json.WriteString("id", result.Id);
            json.WriteString("outcome", result.Outcome.ToString());
            json.WriteBoolean("succeeded", result.Succeeded);
            json.WriteString("message", result.Message);
            WriteNumberOrNull(json, "exitCode", result.ExitCode);
            json.WriteNumber("attempts", result.Attempts);
            json.WriteStartArray("resumedAttempts");
            foreach (var attempt in result.ResumedAttempts)
            {
                json.WriteNumberValue(attempt);
            }

            json.WriteEndArray();
            WriteTimeOrNull(json, "start", result.Start);
            WriteTimeOrNull(json, "end", result.End);
            json.WriteNumber("durationMs", (long)result.Duration.TotalMilliseconds);
            json.WriteNumber("costUsd", result.CostUsd);
            WriteTokens(json, result.Tokens);
            WriteNumberOrNull(json, "turns", result.Turns);
            json.WriteString("sessionId", result.SessionId);
            json.WriteString("result", result.ResultText);
            json.WriteString("source", result.Location.ToString());
            json.WriteString("file", result.File);
            if (result.UpToDateWith is { } recorded)
            {
                json.WriteStartObject("upToDate");
                json.WriteString("succeeded", recorded.Succeeded);
                json.WriteString("runStart", recorded.RunStart);
                json.WriteNumber("recordedCostUsd", recorded.CostUsd);
                json.WriteString("key", recorded.Key);
                json.WriteEndObject();
            }

            if (result.Output is { } output)
            {
                json.WritePropertyName("output");
                output.WriteTo(json);
                json.WriteString("outputFile", result.OutputFile);
            }

            if (result.Findings.Count > 0)
            {
                WriteFindings(json, result.Findings);
            }

            if (result.Changes is { } changes)
            {
                WriteChanges(json, changes);
            }

            json.WriteString("logFile", result.LogFile);
            json.WriteString("streamFile", result.StreamFile);
            WriteResources(json, result.Resources);
            WriteHistory(json, result.History, promptLanes);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteChanges(Utf8JsonWriter json, PromptChanges changes)
    {
        json.WriteStartObject("changes");
        json.WriteString("patch", changes.PatchFile);
        json.WriteBoolean("applied", changes.Applied);
        json.WriteStartArray("files");
        foreach (var file in changes.Files)
        {
            json.WriteStartObject();
            json.WriteString("status", file.Status);
            json.WriteString("path", file.Path);
            if (file.From is { } from)
            {
                json.WriteString("from", from);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteConcurrency(Utf8JsonWriter json, ConcurrencyHistory concurrency)
    {
        json.WriteStartObject("concurrency");
        json.WriteNumber("initial", concurrency.Initial);
        json.WriteNumber("final", concurrency.Final);
        json.WriteNumber("rateLimitedSignals", concurrency.RateLimitedSignals);
        json.WriteNumber("overloadedSignals", concurrency.OverloadedSignals);
        json.WriteStartArray("changes");
        foreach (var change in concurrency.Changes)
        {
            json.WriteStartObject();
            json.WriteString("time", change.Time);
            json.WriteNumber("from", change.From);
            json.WriteNumber("to", change.To);
            json.WriteString("reason", change.Reason);
            WriteNumberOrNull(json, "nextStartInMs", change.NextStartIn is { } wait ? (int)wait.TotalMilliseconds : null);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteJUnit(string path, RunSummary summary) =>
        OwnerOnlyFile.WriteAtomically(path, stream =>
        {
            using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Encoding = OwnerOnlyFile.Utf8 });
            var skipped = summary.Results.Count(r => r.NeverStarted);
            var failures = summary.Results.Count(r => !r.Succeeded) - skipped;
            xml.WriteStartElement("testsuites");
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", "claude-runner");
            xml.WriteAttributeString("tests", Number(summary.Results.Count));
            xml.WriteAttributeString("failures", Number(failures));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", Number(skipped));
            xml.WriteAttributeString("time", Seconds(summary.Duration));
            xml.WriteAttributeString("timestamp", summary.Start.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            foreach (var result in summary.Results)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", $"claude-runner.{Path.GetFileNameWithoutExtension(result.Location.File)}");
                xml.WriteAttributeString("name", result.Id);
                xml.WriteAttributeString("time", Seconds(result.Duration));
                if (result.File is { } file)
                {
                    xml.WriteAttributeString("file", file);
                }

                if (result.UpToDateWith is { } recorded)
                {
                    xml.WriteStartElement("properties");
                    xml.WriteStartElement("property");
                    xml.WriteAttributeString("name", "up-to-date");
                    xml.WriteAttributeString("value", recorded.When);
                    xml.WriteEndElement();
                    xml.WriteEndElement();
                }

                if (!result.Succeeded)
                {
                    xml.WriteStartElement(result.NeverStarted ? "skipped" : "failure");
                    xml.WriteAttributeString("message", Xml(result.Message));
                    xml.WriteAttributeString("type", result.Outcome.ToString());
                    xml.WriteString(Xml($"{result.Outcome} after {result.Attempts} attempt(s), exit code {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}. Log: {result.LogFile}"));
                    xml.WriteEndElement();
                }

                if (result.ResultText is { } text)
                {
                    xml.WriteElementString("system-out", Xml(text));
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        });

    private static void WriteHistory(Utf8JsonWriter json, IReadOnlyList<AttemptRecord> history, int[] lanes)
    {
        json.WriteStartArray("history");
        foreach (var (attempt, lane) in history.Zip(lanes))
        {
            json.WriteStartObject();
            json.WriteNumber("attempt", attempt.Number);
            json.WriteNumber("lane", lane);
            json.WriteString("start", attempt.Start);
            json.WriteString("end", attempt.End);
            json.WriteNumber("durationMs", (long)attempt.Duration.TotalMilliseconds);
            json.WriteString("outcome", attempt.Outcome.ToString());
            WriteNumberOrNull(json, "exitCode", attempt.ExitCode);
            json.WriteString("stderrTail", attempt.StderrTail);
            WriteResources(json, attempt.Resources);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteFindingCounts(Utf8JsonWriter json, IReadOnlyList<Finding> findings)
    {
        json.WriteStartObject("findings");
        foreach (var severity in new[] { FindingSeverity.Error, FindingSeverity.Warning, FindingSeverity.Note })
        {
            json.WriteNumber(Finding.Word(severity), findings.Count(f => f.ReportedSeverity == severity));
        }

        json.WriteEndObject();
    }

    private static void WriteFindings(Utf8JsonWriter json, IReadOnlyList<Finding> findings)
    {
        json.WriteStartArray("findings");
        foreach (var finding in findings)
        {
            json.WriteStartObject();
            json.WriteString("file", finding.File);
            json.WriteString("fullPath", finding.FullPath);
            json.WriteNumber("line", finding.Line);
            WriteNumberOrNull(json, "column", finding.Column);
            WriteNumberOrNull(json, "endLine", finding.EndLine);
            WriteNumberOrNull(json, "endColumn", finding.EndColumn);
            json.WriteString("severity", Finding.Word(finding.ReportedSeverity));
            json.WriteString("code", finding.DiagnosticCode);
            json.WriteString("message", finding.Message);
            json.WriteString("refusedBecause", finding.RefusedBecause);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteResources(Utf8JsonWriter json, ResourceUsage? resources)
    {
        if (resources is null)
        {
            json.WriteNull("peakMemoryMB");
            json.WriteNull("cpuSeconds");
            return;
        }

        json.WriteNumber("peakMemoryMB", resources.PeakMemoryMB);
        json.WriteNumber("cpuSeconds", resources.CpuSeconds);
    }

    private static void WriteTokens(Utf8JsonWriter json, TokenUsage tokens)
    {
        json.WriteStartObject("tokens");
        json.WriteNumber("input", tokens.InputTokens);
        json.WriteNumber("output", tokens.OutputTokens);
        json.WriteNumber("cacheCreationInput", tokens.CacheCreationInputTokens);
        json.WriteNumber("cacheReadInput", tokens.CacheReadInputTokens);
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteTimeOrNull(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            json.WriteString(name, time);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    // XML 1.0 cannot carry most control characters, which model output may contain.
    private static string Xml(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                kept.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                kept.Append(text, i++, 2);
            }
        }

        return kept.ToString();
    }
}
