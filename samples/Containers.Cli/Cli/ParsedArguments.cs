using System.Globalization;

namespace Containers.Cli.Cli;

/// <summary>Holds the flags and positional arguments of one invocation.</summary>
internal sealed class ParsedArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Gets a boolean flag; <c>--flag=false</c> turns it off.</summary>
    public bool Flag(string name) =>
        _values.TryGetValue(name, out var list) && !string.Equals(list[^1], "false", StringComparison.OrdinalIgnoreCase);

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public int? Int(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"invalid value \"{text}\" for --{name}: expected an integer");
    }

    public string Positional(int index, string name) =>
        index < Positionals.Count ? Positionals[index] : throw new UsageException($"missing argument: {name}");
}
