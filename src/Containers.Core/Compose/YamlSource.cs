using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>
/// Reads YAML nodes of one or more Compose files with their origin (file and line), substitutes variables in scalars,
/// and turns every wrong shape into a <see cref="ComposeFileException"/> naming file, line and key. Uses YamlDotNet's
/// representation model only (no reflection), so it is trimming- and AOT-safe.
/// </summary>
internal sealed class YamlSource(Func<string, string?> lookup)
{
    private readonly Dictionary<YamlNode, string> _files = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<YamlNode, YamlNode> _origins = new(ReferenceEqualityComparer.Instance);

    /// <summary>Loads a file's single document and returns its root mapping (empty for an empty file).</summary>
    public YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ComposeFileException(ComposeErrorKind.Syntax, path, checked((int)e.Start.Line), "(document)", e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ComposeFileException(ComposeErrorKind.Syntax, path, 0, "(document)", $"cannot read the file: {e.Message}", e);
        }

        if (stream.Documents.Count == 0)
        {
            var empty = new YamlMappingNode();
            _files[empty] = path;
            return empty;
        }

        var root = stream.Documents[0].RootNode;
        foreach (var node in root.AllNodes)
        {
            _files.TryAdd(node, path);
        }

        return root as YamlMappingNode ?? throw Error(ComposeErrorKind.WrongType, root, "(document)", "the top level must be a mapping (services:, volumes:, ...)");
    }

    /// <summary>Gets the file a node was read from.</summary>
    public string FileOf(YamlNode node) => _files.TryGetValue(Origin(node), out var file) ? file : "(merged)";

    /// <summary>Records that a mapping made by merging stands where <paramref name="origin"/> was written, for error locations.</summary>
    public YamlMappingNode Adopt(YamlMappingNode merged, YamlNode origin)
    {
        _origins[merged] = Origin(origin);
        return merged;
    }

    /// <summary>Makes an error located at <paramref name="node"/>.</summary>
    public ComposeFileException Error(ComposeErrorKind kind, YamlNode node, string key, string problem, Exception? inner = null) =>
        new(kind, FileOf(node), checked((int)Origin(node).Start.Line), key, problem, inner);

    private YamlNode Origin(YamlNode node) => _origins.TryGetValue(node, out var origin) ? origin : node;

    /// <summary>Enumerates a mapping's entries by key text, expanding YAML merge keys (<c>&lt;&lt;: *anchor</c>).</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode mapping, string path)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<(string, YamlNode, YamlNode)>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode s ? s.Value ?? string.Empty : throw Error(ComposeErrorKind.WrongType, keyNode, path, "a key must be text");
            if (key == "<<")
            {
                var sources = value is YamlSequenceNode list ? list.Children : [value];
                foreach (var source in sources)
                {
                    var inner = source as YamlMappingNode ?? throw Error(ComposeErrorKind.WrongType, source, path + ".<<", "a merge key takes a mapping or a list of mappings");
                    merged.AddRange(Entries(inner, path));
                }

                continue;
            }

            own.Add(key);
            yield return (key, keyNode, value);
        }

        var seen = new HashSet<string>(own, StringComparer.Ordinal);
        foreach (var entry in merged)
        {
            if (seen.Add(entry.Item1))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Throws the unknown-key error for <paramref name="keyNode"/>, listing what is allowed there.</summary>
    public ComposeFileException Unknown(YamlNode keyNode, string path, string key, IEnumerable<string> allowed) =>
        Error(ComposeErrorKind.UnknownKey, keyNode, Join(path, key), $"unknown key '{key}' (allowed here: {string.Join(", ", allowed)})");

    /// <summary>Joins a parent path and a key.</summary>
    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Gets a mapping or throws a wrong-type error.</summary>
    public YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw Error(ComposeErrorKind.WrongType, node, path, $"expected a mapping, found {Describe(node)}");

    /// <summary>Gets a sequence or throws a wrong-type error.</summary>
    public YamlSequenceNode Sequence(YamlNode node, string path) =>
        node as YamlSequenceNode ?? throw Error(ComposeErrorKind.WrongType, node, path, $"expected a list, found {Describe(node)}");

    /// <summary>Gets a scalar's text with variables substituted, or throws a wrong-type error.</summary>
    public string String(YamlNode node, string path)
    {
        var scalar = node as YamlScalarNode ?? throw Error(ComposeErrorKind.WrongType, node, path, $"expected a string, found {Describe(node)}");
        try
        {
            return ComposeInterpolation.Interpolate(scalar.Value ?? string.Empty, lookup);
        }
        catch (FormatException e)
        {
            throw Error(ComposeErrorKind.Interpolation, node, path, e.Message, e);
        }
    }

    /// <summary>Gets a scalar or null (for <c>~</c>, <c>null</c> or an empty plain value).</summary>
    public string? NullableString(YamlNode node, string path) => IsNull(node) ? null : String(node, path);

    /// <summary>Gets a boolean (<c>true</c>/<c>false</c>, also from a variable).</summary>
    public bool Bool(YamlNode node, string path) => String(node, path).ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var other => throw Error(ComposeErrorKind.WrongType, node, path, $"expected a boolean (true or false), found '{other}'"),
    };

    /// <summary>Gets an integer.</summary>
    public int Int(YamlNode node, string path, int minimum = int.MinValue)
    {
        var text = String(node, path);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw Error(ComposeErrorKind.WrongType, node, path, $"expected an integer{(minimum > int.MinValue ? $" of at least {minimum}" : string.Empty)}, found '{text}'");
    }

    /// <summary>Gets a duration in Compose's (Go's) form: <c>30s</c>, <c>1m30s</c>, <c>500ms</c>.</summary>
    public TimeSpan Duration(YamlNode node, string path)
    {
        var text = String(node, path);
        try
        {
            return Containers.GoDuration.Parse(text);
        }
        catch (FormatException e)
        {
            throw Error(ComposeErrorKind.WrongType, node, path, $"expected a duration such as 30s or 1m30s, found '{text}'", e);
        }
    }

    /// <summary>Gets a list of strings from a list (or, when <paramref name="allowString"/>, a single string as one item).</summary>
    public List<string> Strings(YamlNode node, string path, bool allowString = false)
    {
        if (allowString && node is YamlScalarNode)
        {
            return [String(node, path)];
        }

        return Sequence(node, path).Children.Select((item, i) => String(item, $"{path}[{i}]")).ToList();
    }

    /// <summary>
    /// Reads the two forms of <c>environment</c> and <c>labels</c>: a mapping (<c>KEY: value</c>) or a list (<c>KEY=value</c>);
    /// a value-less entry is null (for environment: taken from the host's environment).
    /// </summary>
    public List<KeyValuePair<string, string?>> Pairs(YamlNode node, string path)
    {
        var result = new List<KeyValuePair<string, string?>>();
        if (node is YamlMappingNode mapping)
        {
            foreach (var (key, _, value) in Entries(mapping, path))
            {
                result.Add(new(key, NullableString(value, Join(path, key))));
            }

            return result;
        }

        if (node is not YamlSequenceNode)
        {
            throw Error(ComposeErrorKind.WrongType, node, path, $"expected a mapping (KEY: value) or a list (KEY=value), found {Describe(node)}");
        }

        foreach (var (item, i) in Sequence(node, path).Children.Select((n, i) => (n, i)))
        {
            var text = String(item, $"{path}[{i}]");
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            result.Add(new(eq < 0 ? text : text[..eq], eq < 0 ? null : text[(eq + 1)..]));
        }

        return result;
    }

    /// <summary>Gets a value indicating whether the node is YAML null.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"'{s.Value}'",
        _ => node.NodeType.ToString(),
    };
}
