using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ClaudeRunner.Options.Generator;

/// <summary>
/// Reads the rows of the option table (<c>RunOptions.cs</c>) from its syntax: each <c>PerPrompt(…)</c> or
/// <c>WholeRun(…)</c> call, its kind (a <c>new XxxKind(…)</c> or a field of the same file), help text and the
/// <c>with { … }</c> that follows it. The table is source of another assembly, so its syntax is all there is to read.
/// </summary>
internal sealed class OptionTableReader
{
    private readonly string _path;
    private readonly SyntaxNode _root;
    private readonly List<OptionRow> _rows = [];
    private readonly List<RowError> _errors = [];

    private OptionTableReader(string path, SyntaxNode root)
    {
        _path = path;
        _root = root;
    }

    /// <summary>The front-end rows of the table, and one error per row that cannot be read.</summary>
    public static (ImmutableArray<OptionRow> Rows, ImmutableArray<RowError> Errors) Read(SourceText text, string path, CancellationToken cancellation)
    {
        var reader = new OptionTableReader(path, CSharpSyntaxTree.ParseText(text, path: path, cancellationToken: cancellation).GetRoot(cancellation));
        var calls = reader._root.DescendantNodes().OfType<InvocationExpressionSyntax>().Where(call => RowMethod(call) is not null).ToList();
        if (calls.Count == 0)
        {
            reader._errors.Add(reader.Error(reader._root, "the table", "it has no PerPrompt(…) or WholeRun(…) row"));
        }

        foreach (var call in calls)
        {
            reader.ReadRow(call);
        }

        return (reader._rows.ToImmutableArray(), reader._errors.ToImmutableArray());
    }

    private static string? RowMethod(InvocationExpressionSyntax call) =>
        call.Expression is IdentifierNameSyntax { Identifier.ValueText: "PerPrompt" or "WholeRun" } method ? method.Identifier.ValueText : null;

    private void ReadRow(InvocationExpressionSyntax call)
    {
        // PerPrompt(name, fileKey, cli, kind, help, get, set); WholeRun(name, cli, kind, help, get, set).
        var perPrompt = RowMethod(call) == "PerPrompt";
        var arguments = call.ArgumentList.Arguments;
        var name = arguments.Count > 0 ? StringLiteral(arguments[0].Expression) : null;
        var row = name ?? $"at line {call.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
        if (name is null || arguments.Count != (perPrompt ? 7 : 6))
        {
            _errors.Add(Error(call, row, $"expected {(perPrompt ? 7 : 6)} arguments, the first the option's name as a string literal"));
            return;
        }

        var kind = arguments[perPrompt ? 3 : 2].Expression;
        var helpText = arguments[perPrompt ? 4 : 3].Expression;
        if (StringLiteral(helpText) is not { } help)
        {
            _errors.Add(Error(helpText, row, "the help text is not a string literal"));
            return;
        }

        var initializers = (call.Parent as WithExpressionSyntax)?.Initializer.Expressions.OfType<AssignmentExpressionSyntax>().ToList() ?? [];
        var frontEnd = initializers.FirstOrDefault(i => Assigned(i) == "IsFrontEndParameter")?.Right;
        var defaultText = initializers.FirstOrDefault(i => Assigned(i) == "DefaultText")?.Right;
        if (frontEnd is not null && !frontEnd.IsKind(SyntaxKind.TrueLiteralExpression) && !frontEnd.IsKind(SyntaxKind.FalseLiteralExpression))
        {
            _errors.Add(Error(frontEnd, row, "IsFrontEndParameter is not true or false"));
            return;
        }

        if (frontEnd.IsKind(SyntaxKind.FalseLiteralExpression))
        {
            return;
        }

        if (Shape(kind, out var reason) is not { } shape)
        {
            _errors.Add(Error(kind, row, reason));
            return;
        }

        var defaultLiteral = defaultText is null ? null : StringLiteral(defaultText);
        if (shape == ValueShape.Flag && defaultText is not null && defaultLiteral is not ("true" or "false"))
        {
            // A flag's front-end property starts at its default, so the default must be readable here.
            _errors.Add(Error(defaultText, row, "a flag's DefaultText is not \"true\" or \"false\""));
            return;
        }

        _rows.Add(new OptionRow(name, shape, help, defaultLiteral));
    }

    /// <summary>The shape of a kind expression; null, with the reason, when the generator does not know it.</summary>
    private ValueShape? Shape(ExpressionSyntax kind, out string reason)
    {
        reason = string.Empty;
        var (type, arguments) = kind switch
        {
            ObjectCreationExpressionSyntax creation => (TypeName(creation.Type), creation.ArgumentList),
            IdentifierNameSyntax field => FieldKind(field.Identifier.ValueText),
            _ => (null, null),
        };
        switch (type)
        {
            case "TextKind" or "ChoiceKind" or "ShardKind" or "SchemaKind":
                return ValueShape.Text;
            case "WholeNumberKind":
                return ValueShape.WholeNumber;
            case "UsdKind":
                return ValueShape.Usd;
            case "DurationKind":
                return ValueShape.Duration;
            case "FlagKind":
                return ValueShape.Flag;
            case "EnvironmentKind":
                return ValueShape.Environment;
            case "PathKind" when BoolArgument(arguments, "isDirectory") is { } isDirectory:
                return isDirectory ? ValueShape.DirectoryPath : ValueShape.FilePath;
            case "ListKind" when BoolArgument(arguments, "splitsEntries") is { } splitsEntries:
                return splitsEntries ? ValueShape.SplitList : ValueShape.ItemList;
            case "PathKind":
                reason = "PathKind's isDirectory is not true or false (the first argument)";
                return null;
            case "ListKind":
                reason = "ListKind's splitsEntries is not true or false (the first argument)";
                return null;
            case null:
                reason = $"the kind '{kind}' is neither new XxxKind(…) nor a field of this file created with new";
                return null;
            default:
                reason = $"the kind {type} is unknown to the generator; teach it the front-end type of that kind";
                return null;
        }
    }

    /// <summary>The kind type and constructor arguments of a field such as <c>private static readonly TextKind Text = new();</c>.</summary>
    private (string? Type, ArgumentListSyntax? Arguments) FieldKind(string name)
    {
        var field = _root.DescendantNodes().OfType<FieldDeclarationSyntax>()
            .SelectMany(f => f.Declaration.Variables.Select(v => (f.Declaration.Type, Variable: v)))
            .FirstOrDefault(f => f.Variable.Identifier.ValueText == name);
        return field.Variable?.Initializer?.Value switch
        {
            ObjectCreationExpressionSyntax creation => (TypeName(creation.Type), creation.ArgumentList),
            ImplicitObjectCreationExpressionSyntax creation => (TypeName(field.Type), creation.ArgumentList),
            _ => (null, null),
        };
    }

    private static string? TypeName(TypeSyntax type) => type switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The bool literal of the constructor's first parameter, named <paramref name="parameter"/>, given by name or first.</summary>
    private static bool? BoolArgument(ArgumentListSyntax? arguments, string parameter)
    {
        var argument = arguments?.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter)
            ?? arguments?.Arguments.FirstOrDefault(a => a.NameColon is null);
        return argument?.Expression.Kind() switch
        {
            SyntaxKind.TrueLiteralExpression => true,
            SyntaxKind.FalseLiteralExpression => false,
            _ => null,
        };
    }

    private static string? Assigned(AssignmentExpressionSyntax initializer) => (initializer.Left as IdentifierNameSyntax)?.Identifier.ValueText;

    private static string? StringLiteral(ExpressionSyntax expression) =>
        expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression) ? literal.Token.ValueText : null;

    private RowError Error(SyntaxNode node, string row, string reason) =>
        new(row, reason, _path, node.Span, node.GetLocation().GetLineSpan().Span);
}
