using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Containers.Cli.Cli;

/// <summary>
/// The part of Go's <c>text/template</c> that <c>docker inspect -f</c> users script with, evaluated over the JSON the
/// command would print: fields (<c>{{.State.Status}}</c>), variables, <c>{{range}}</c>, <c>{{if}}</c>/<c>{{else}}</c>,
/// <c>{{with}}</c>, pipes, and the functions <c>json</c>, <c>index</c>, <c>len</c>, <c>join</c>, <c>upper</c>,
/// <c>lower</c>, <c>title</c>, <c>split</c>, <c>println</c>, <c>print</c>. A missing key fails as Docker's does.
/// </summary>
internal sealed class GoTemplate
{
    private readonly string _text;
    private readonly List<Node> _nodes;

    private GoTemplate(string text, List<Node> nodes)
    {
        _text = text;
        _nodes = nodes;
    }

    /// <summary>Parses a template.</summary>
    /// <exception cref="GoTemplateException">The template is malformed.</exception>
    public static GoTemplate Parse(string text)
    {
        var parser = new Parser(text);
        var nodes = parser.ParseList(out var end);
        if (end is not null)
        {
            throw new GoTemplateException($"template: :{parser.Line(end.Value.Position)}: unexpected {{{{{end.Value.Keyword}}}}}");
        }

        return new GoTemplate(text, nodes);
    }

    /// <summary>Returns the template applied to the value (a JSON document).</summary>
    /// <exception cref="GoTemplateException">A field is missing or a function is misused.</exception>
    public string Execute(JsonElement data)
    {
        var output = new StringBuilder();
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal) { ["$"] = data };
        Run(_nodes, data, scope, output);
        return output.ToString();
    }

    /// <summary>Tells whether a <c>--format</c> value is a template rather than a named format (<c>json</c>, <c>table</c>).</summary>
    public static bool IsTemplate(string? format) => format is not null && format.Contains("{{", StringComparison.Ordinal);

    private void Run(List<Node> nodes, object? dot, Dictionary<string, object?> scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode action:
                    var value = Evaluate(action.Pipeline, dot, scope);
                    if (action.Pipeline.Declare is null)
                    {
                        output.Append(Format(value));
                    }

                    break;
                case IfNode branch:
                    var condition = Evaluate(branch.Pipeline, dot, scope);
                    if (IsTrue(condition))
                    {
                        Run(branch.Body, branch.Keyword == "with" ? condition : dot, new(scope), output);
                    }
                    else
                    {
                        Run(branch.Else, dot, new(scope), output);
                    }

                    break;
                case RangeNode range:
                    RunRange(range, dot, scope, output);
                    break;
            }
        }
    }

    private void RunRange(RangeNode range, object? dot, Dictionary<string, object?> scope, StringBuilder output)
    {
        var items = new List<(object? Key, object? Value)>();
        switch (Evaluate(range.Pipeline, dot, scope))
        {
            case JsonElement { ValueKind: JsonValueKind.Array } array:
                items.AddRange(array.EnumerateArray().Select((e, i) => ((object?)(long)i, (object?)e)));
                break;
            case JsonElement { ValueKind: JsonValueKind.Object } map:
                // Go ranges over a map in key order.
                items.AddRange(map.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => ((object?)p.Name, (object?)p.Value)));
                break;
            case IReadOnlyList<string> strings:
                items.AddRange(strings.Select((s, i) => ((object?)(long)i, (object?)s)));
                break;
            case null or JsonElement { ValueKind: JsonValueKind.Null }:
                break;
            case var other:
                throw new GoTemplateException($"template: :{Line(range.Position)}: range can't iterate over {Format(other)}");
        }

        if (items.Count == 0)
        {
            Run(range.Else, dot, new(scope), output);
            return;
        }

        foreach (var (key, value) in items)
        {
            var inner = new Dictionary<string, object?>(scope, StringComparer.Ordinal);
            if (range.Variables is [var only])
            {
                inner[only] = value;
            }
            else if (range.Variables is [var k, var v])
            {
                inner[k] = key;
                inner[v] = value;
            }

            Run(range.Body, value, inner, output);
        }
    }

    private object? Evaluate(Pipeline pipeline, object? dot, Dictionary<string, object?> scope)
    {
        object? value = null;
        var first = true;
        foreach (var command in pipeline.Commands)
        {
            value = Call(command, dot, scope, first ? null : new[] { value });
            first = false;
        }

        if (pipeline.Declare is { } name)
        {
            scope[name] = value;
        }

        return value;
    }

    private object? Call(List<Operand> command, object? dot, Dictionary<string, object?> scope, object?[]? piped)
    {
        if (command[0] is { Kind: OperandKind.Function } function)
        {
            var args = command.Skip(1).Select(a => Value(a, dot, scope)).Concat(piped ?? []).ToList();
            return Function(function, args);
        }

        if (command.Count > 1 || piped is not null)
        {
            throw new GoTemplateException($"template: :{Line(command[0].Position)}: can't give argument to non-function {command[0].Text}");
        }

        return Value(command[0], dot, scope);
    }

    private object? Value(Operand operand, object? dot, Dictionary<string, object?> scope) => operand.Kind switch
    {
        OperandKind.String => operand.Text,
        OperandKind.Number => long.TryParse(operand.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? (object)n : double.Parse(operand.Text, CultureInfo.InvariantCulture),
        OperandKind.Bool => operand.Text == "true",
        OperandKind.Nested => Evaluate(operand.Nested!, dot, scope),
        OperandKind.Field => Fields(dot, operand, operand.Fields),
        OperandKind.Variable => Fields(
            scope.TryGetValue(operand.Text, out var variable) ? variable : throw new GoTemplateException($"template: :{Line(operand.Position)}: undefined variable \"{operand.Text}\""),
            operand,
            operand.Fields),
        OperandKind.Function => Function(operand, []),
        _ => null,
    };

    private object? Fields(object? start, Operand operand, IReadOnlyList<string> fields)
    {
        var current = start;
        foreach (var field in fields)
        {
            current = current switch
            {
                JsonElement { ValueKind: JsonValueKind.Object } map => map.TryGetProperty(field, out var child)
                    ? child
                    : throw MissingKey(operand, field),
                _ => throw new GoTemplateException(
                    $"template: :{Line(operand.Position)}: executing \"\" at <{operand.Text}>: can't evaluate field {field} in type {TypeName(current)}"),
            };
        }

        return current;
    }

    private GoTemplateException MissingKey(Operand operand, string field) =>
        new($"template: :{Line(operand.Position)}: executing \"\" at <{operand.Text}>: map has no entry for key \"{field}\"");

    private object? Function(Operand function, List<object?> args)
    {
        string Arity(int count) => args.Count == count ? string.Empty
            : throw new GoTemplateException($"template: :{Line(function.Position)}: wrong number of args for {function.Text}: want {count} got {args.Count}");
        switch (function.Text)
        {
            case "json":
                Arity(1);
                return new RawText(args[0] is JsonElement element ? element.GetRawText() : JsonOutput.Compact(args[0]));
            case "index":
                var current = args.Count > 0 ? args[0] : throw new GoTemplateException($"template: :{Line(function.Position)}: wrong number of args for index: want at least 1 got 0");
                foreach (var key in args.Skip(1))
                {
                    current = (current, key) switch
                    {
                        (JsonElement { ValueKind: JsonValueKind.Object } map, string name) => map.TryGetProperty(name, out var child) ? child : null,
                        (JsonElement { ValueKind: JsonValueKind.Array } list, long i) => i >= 0 && i < list.GetArrayLength() ? list[(int)i]
                            : throw new GoTemplateException($"template: :{Line(function.Position)}: error calling index: index out of range: {i}"),
                        (null or JsonElement { ValueKind: JsonValueKind.Null }, _) => null,
                        _ => throw new GoTemplateException($"template: :{Line(function.Position)}: error calling index: cannot index {TypeName(current)} with {Format(key)}"),
                    };
                }

                return current;
            case "len":
                Arity(1);
                return args[0] switch
                {
                    JsonElement { ValueKind: JsonValueKind.Array } a => (long)a.GetArrayLength(),
                    JsonElement { ValueKind: JsonValueKind.Object } o => (long)o.EnumerateObject().Count(),
                    JsonElement { ValueKind: JsonValueKind.String } s => (long)s.GetString()!.Length,
                    string s => (long)s.Length,
                    IReadOnlyList<string> l => (long)l.Count,
                    var other => throw new GoTemplateException($"template: :{Line(function.Position)}: error calling len: len of {TypeName(other)}"),
                };
            case "join":
                Arity(2);
                var items = args[0] switch
                {
                    JsonElement { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(e => Format(e)).ToList(),
                    IReadOnlyList<string> l => l.ToList(),
                    null or JsonElement { ValueKind: JsonValueKind.Null } => [],
                    var other => throw new GoTemplateException($"template: :{Line(function.Position)}: error calling join: cannot join {TypeName(other)}"),
                };
                return string.Join(Format(args[1]), items);
            case "split":
                Arity(2);
                return (IReadOnlyList<string>)Format(args[0]).Split(Format(args[1]));
            case "upper":
                Arity(1);
                return Format(args[0]).ToUpperInvariant();
            case "lower":
                Arity(1);
                return Format(args[0]).ToLowerInvariant();
            case "title":
                Arity(1);
                var text = Format(args[0]);
                return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
            case "print":
                return string.Concat(args.Select(Format));
            case "println":
                return string.Join(' ', args.Select(Format)) + "\n";
            default:
                throw new GoTemplateException($"template: :{Line(function.Position)}: function \"{function.Text}\" not defined");
        }
    }

    private static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long n => n != 0,
        double d => d != 0,
        string s => s.Length > 0,
        IReadOnlyList<string> l => l.Count > 0,
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
            JsonValueKind.String => e.GetString()!.Length > 0,
            JsonValueKind.Number => e.GetDouble() != 0,
            JsonValueKind.Array => e.GetArrayLength() > 0,
            JsonValueKind.Object => e.EnumerateObject().Any(),
            _ => true,
        },
        _ => true,
    };

    /// <summary>Prints a value as Go's fmt does: strings bare, maps as <c>map[k:v]</c>, lists as <c>[a b]</c>, nothing as <c>&lt;no value&gt;</c>.</summary>
    private static string Format(object? value) => value switch
    {
        null => "<no value>",
        RawText raw => raw.Text,
        string s => s,
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<string> l => "[" + string.Join(' ', l) + "]",
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => "<nil>",
            JsonValueKind.Array => "[" + string.Join(' ', e.EnumerateArray().Select(x => Format(x))) + "]",
            _ => "map[" + string.Join(' ', e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" + Format(p.Value))) + "]",
        },
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string TypeName(object? value) => value switch
    {
        null => "<nil>",
        string or RawText => "string",
        long => "int",
        double => "float64",
        bool => "bool",
        IReadOnlyList<string> => "[]string",
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.Object => "map[string]interface {}",
            JsonValueKind.Array => "[]interface {}",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "float64",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "interface {}",
        },
        _ => value.GetType().Name,
    };

    private string Line(int position)
    {
        var before = _text[..Math.Min(position, _text.Length)];
        var line = before.Count(c => c == '\n') + 1;
        var column = position - (before.LastIndexOf('\n') + 1) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{line}:{column}");
    }

    /// <summary>Text a function produced that prints as it is (<c>json</c>'s output).</summary>
    private sealed record RawText(string Text);

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record ActionNode(Pipeline Pipeline) : Node;

    private sealed record IfNode(string Keyword, Pipeline Pipeline, List<Node> Body, List<Node> Else) : Node;

    private sealed record RangeNode(int Position, IReadOnlyList<string> Variables, Pipeline Pipeline, List<Node> Body, List<Node> Else) : Node;

    private sealed record Pipeline(string? Declare, List<List<Operand>> Commands);

    private enum OperandKind
    {
        Field,
        Variable,
        String,
        Number,
        Bool,
        Function,
        Nested,
    }

    private sealed record Operand(OperandKind Kind, string Text, int Position, IReadOnlyList<string> Fields, Pipeline? Nested = null);

    /// <summary>Splits the text into nodes; actions are lexed into words, pipes and parentheses.</summary>
    private sealed class Parser(string text)
    {
        private int _position;

        public string Line(int position) => new GoTemplate(text, []).Line(position);

        /// <summary>Parses nodes up to <c>{{end}}</c>/<c>{{else}}</c> (returned in <paramref name="end"/>) or the end of the text.</summary>
        public List<Node> ParseList(out (string Keyword, int Position, string Remainder)? end)
        {
            var nodes = new List<Node>();
            end = null;
            while (_position < text.Length)
            {
                var open = text.IndexOf("{{", _position, StringComparison.Ordinal);
                if (open < 0)
                {
                    nodes.Add(new TextNode(text[_position..]));
                    _position = text.Length;
                    break;
                }

                var literal = text[_position..open];
                var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new GoTemplateException($"template: :{Line(open)}: unclosed action");
                }

                var inner = text[(open + 2)..close];
                if (inner.StartsWith("- ", StringComparison.Ordinal))
                {
                    literal = literal.TrimEnd();
                    inner = inner[2..];
                }

                _position = close + 2;
                if (inner.EndsWith(" -", StringComparison.Ordinal))
                {
                    inner = inner[..^2];
                    var skip = _position;
                    while (skip < text.Length && char.IsWhiteSpace(text[skip]))
                    {
                        skip++;
                    }

                    _position = skip;
                }

                if (literal.Length > 0)
                {
                    nodes.Add(new TextNode(literal));
                }

                var trimmed = inner.Trim();
                var start = open + 2 + inner.IndexOf(trimmed, StringComparison.Ordinal);
                if (trimmed.StartsWith("/*", StringComparison.Ordinal))
                {
                    continue;
                }

                var keyword = trimmed.Split(' ', 2)[0];
                var rest = trimmed.Length > keyword.Length ? trimmed[(keyword.Length + 1)..] : string.Empty;
                switch (keyword)
                {
                    case "end" or "else":
                        end = (keyword, start, rest);
                        return nodes;
                    case "if" or "with":
                        nodes.Add(ParseBranch(keyword, rest, start));
                        break;
                    case "range":
                        nodes.Add(ParseRange(rest, start));
                        break;
                    default:
                        nodes.Add(new ActionNode(ParsePipeline(trimmed, start)));
                        break;
                }
            }

            return nodes;
        }

        private IfNode ParseBranch(string keyword, string rest, int start)
        {
            var pipeline = ParsePipeline(rest, start + keyword.Length + 1);
            var body = ParseList(out var end);
            var otherwise = new List<Node>();
            if (end is { Keyword: "else" } elseEnd)
            {
                // {{else if ...}} is an if nested in the else branch, closed by the same {{end}}.
                otherwise = elseEnd.Remainder.StartsWith("if ", StringComparison.Ordinal) || elseEnd.Remainder.StartsWith("with ", StringComparison.Ordinal)
                    ? [ParseBranch(elseEnd.Remainder.Split(' ', 2)[0], elseEnd.Remainder.Split(' ', 2)[1], elseEnd.Position + 5)]
                    : ParseList(out end);
                if (otherwise is [IfNode])
                {
                    return new IfNode(keyword, pipeline, body, otherwise);
                }
            }

            return end is { Keyword: "end" } ? new IfNode(keyword, pipeline, body, otherwise)
                : throw new GoTemplateException($"template: :{Line(start)}: unexpected EOF: {keyword} has no {{{{end}}}}");
        }

        private RangeNode ParseRange(string rest, int start)
        {
            var variables = new List<string>();
            var assign = rest.IndexOf(":=", StringComparison.Ordinal);
            if (assign >= 0)
            {
                variables.AddRange(rest[..assign].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                rest = rest[(assign + 2)..];
            }

            var pipeline = ParsePipeline(rest, start + 6);
            var body = ParseList(out var end);
            var otherwise = end is { Keyword: "else" } ? ParseList(out end) : [];
            return end is { Keyword: "end" } ? new RangeNode(start, variables, pipeline, body, otherwise)
                : throw new GoTemplateException($"template: :{Line(start)}: unexpected EOF: range has no {{{{end}}}}");
        }

        private Pipeline ParsePipeline(string source, int offset)
        {
            var tokens = Lex(source, offset);
            var index = 0;
            string? declare = null;
            if (tokens.Count >= 2 && tokens[0].Text.StartsWith('$') && tokens[1].Text == ":=")
            {
                declare = tokens[0].Text;
                index = 2;
            }

            var pipeline = ParseCommands(tokens, ref index, declare);
            return index == tokens.Count ? pipeline : throw new GoTemplateException($"template: :{Line(tokens[index].Position)}: unexpected \"{tokens[index].Text}\" in operand");
        }

        private Pipeline ParseCommands(List<(string Text, int Position, bool Quoted)> tokens, ref int index, string? declare)
        {
            var commands = new List<List<Operand>>();
            var command = new List<Operand>();
            for (; index < tokens.Count; index++)
            {
                var (token, position, quoted) = tokens[index];
                if (!quoted && token == ")")
                {
                    break;
                }

                if (!quoted && token == "|")
                {
                    commands.Add(command.Count > 0 ? command : throw new GoTemplateException($"template: :{Line(position)}: missing command before |"));
                    command = [];
                    continue;
                }

                if (!quoted && token == "(")
                {
                    index++;
                    var nested = ParseCommands(tokens, ref index, null);
                    if (index >= tokens.Count)
                    {
                        throw new GoTemplateException($"template: :{Line(position)}: unclosed left paren");
                    }

                    command.Add(new Operand(OperandKind.Nested, "(...)", position, [], nested));
                    continue;
                }

                command.Add(ToOperand(token, position, quoted));
            }

            if (command.Count == 0)
            {
                throw new GoTemplateException($"template: :{Line(tokens.Count > 0 ? tokens[^1].Position : 0)}: missing value for command");
            }

            commands.Add(command);
            return new Pipeline(declare, commands);
        }

        private Operand ToOperand(string token, int position, bool quoted)
        {
            if (quoted)
            {
                return new Operand(OperandKind.String, token, position, []);
            }

            if (token == ".")
            {
                return new Operand(OperandKind.Field, token, position, []);
            }

            if (token.StartsWith('.'))
            {
                return new Operand(OperandKind.Field, token, position, token[1..].Split('.'));
            }

            if (token.StartsWith('$'))
            {
                var parts = token.Split('.');
                return new Operand(OperandKind.Variable, parts[0], position, parts[1..]);
            }

            if (token is "true" or "false")
            {
                return new Operand(OperandKind.Bool, token, position, []);
            }

            if (token.Length > 0 && (char.IsAsciiDigit(token[0]) || token[0] == '-'))
            {
                return new Operand(OperandKind.Number, token, position, []);
            }

            return token.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? new Operand(OperandKind.Function, token, position, [])
                : throw new GoTemplateException($"template: :{Line(position)}: unexpected \"{token}\" in command");
        }

        private List<(string Text, int Position, bool Quoted)> Lex(string source, int offset)
        {
            var tokens = new List<(string, int, bool)>();
            var i = 0;
            while (i < source.Length)
            {
                var c = source[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')' or '|')
                {
                    tokens.Add((c.ToString(), offset + i, false));
                    i++;
                }
                else if (c is '"' or '`')
                {
                    var value = new StringBuilder();
                    var j = i + 1;
                    for (; j < source.Length && source[j] != c; j++)
                    {
                        if (c == '"' && source[j] == '\\' && j + 1 < source.Length)
                        {
                            j++;
                            value.Append(source[j] switch { 'n' => '\n', 't' => '\t', var other => other });
                        }
                        else
                        {
                            value.Append(source[j]);
                        }
                    }

                    if (j >= source.Length)
                    {
                        throw new GoTemplateException($"template: :{Line(offset + i)}: unterminated quoted string");
                    }

                    tokens.Add((value.ToString(), offset + i, true));
                    i = j + 1;
                }
                else
                {
                    var j = i;
                    while (j < source.Length && !char.IsWhiteSpace(source[j]) && source[j] is not '(' and not ')' and not '|' and not '"')
                    {
                        j++;
                    }

                    tokens.Add((source[i..j], offset + i, false));
                    i = j;
                }
            }

            return tokens;
        }
    }
}

/// <summary>Reports a <c>--format</c> template that does not parse or does not fit the data, in Go's words.</summary>
internal sealed class GoTemplateException(string message) : FormatException(message);
