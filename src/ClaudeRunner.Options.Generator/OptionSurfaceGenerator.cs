using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ClaudeRunner.Options.Generator;

/// <summary>
/// Generates a front end's option declarations from the option table, so that adding an option means adding one row.
/// The table comes in as an <c>AdditionalFiles</c> item whose <c>OptionSurface</c> metadata names the front end:
/// <c>MSBuild</c> (the <c>RunClaudeParallel</c> parameters) or <c>Cake</c> (<c>ClaudeRunnerSettings</c> and its <c>With…</c> setters).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OptionSurfaceGenerator : IIncrementalGenerator
{
    private static readonly DiagnosticDescriptor UnreadableRow = new(
        "CROG001",
        "Option table row cannot be read",
        "Option table row {0} cannot be read: {1}",
        "ClaudeRunner.Options",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor UnknownSurface = new(
        "CROG002",
        "Unknown option surface",
        "OptionSurface '{0}' of {1} is neither MSBuild nor Cake",
        "ClaudeRunner.Options",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var tables = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select((file, cancellation) =>
                file.Right.GetOptions(file.Left).TryGetValue("build_metadata.AdditionalFiles.OptionSurface", out var surface) && surface.Length > 0
                    ? Generate(surface, file.Left.Path, file.Left.GetText(cancellation), cancellation)
                    : null)
            .Where(output => output is not null);

        context.RegisterSourceOutput(tables, (production, output) =>
        {
            foreach (var error in output!.Errors)
            {
                production.ReportDiagnostic(Diagnostic.Create(UnreadableRow, error.Location, error.Row, error.Reason));
            }

            if (output.UnknownSurface is { } surface)
            {
                production.ReportDiagnostic(Diagnostic.Create(UnknownSurface, Location.None, surface, output.TablePath));
            }
            else if (output.Source is { } source)
            {
                production.AddSource(output.HintName, SourceText.From(source, System.Text.Encoding.UTF8));
            }
        });
    }

    private static Output Generate(string surface, string path, SourceText? text, CancellationToken cancellation)
    {
        if (surface is not ("MSBuild" or "Cake"))
        {
            return new Output(path, string.Empty, null, ImmutableArray<RowError>.Empty, surface);
        }

        var (rows, errors) = text is null ? ([], []) : OptionTableReader.Read(text, path, cancellation);
        return surface == "MSBuild"
            ? new Output(path, "RunClaudeParallel.Options.g.cs", FrontEndSources.MSBuildTask(rows), errors)
            : new Output(path, "ClaudeRunnerSettings.Options.g.cs", FrontEndSources.CakeSettings(rows), errors);
    }

    /// <summary>What one table file produces; compared by value, so an unchanged table costs no new output.</summary>
    private sealed class Output(string tablePath, string hintName, string? source, ImmutableArray<RowError> errors, string? unknownSurface = null) : IEquatable<Output>
    {
        public string TablePath { get; } = tablePath;

        public string HintName { get; } = hintName;

        public string? Source { get; } = source;

        /// <summary>The rows that cannot be read; the rows that can are generated all the same, so one error shows, not a cascade.</summary>
        public ImmutableArray<RowError> Errors { get; } = errors;

        public string? UnknownSurface { get; } = unknownSurface;

        public bool Equals(Output? other) =>
            other is not null && TablePath == other.TablePath && HintName == other.HintName && Source == other.Source
            && UnknownSurface == other.UnknownSurface && Errors.SequenceEqual(other.Errors);

        public override bool Equals(object? obj) => Equals(obj as Output);

        public override int GetHashCode() => (TablePath, Source?.Length).GetHashCode();
    }
}
