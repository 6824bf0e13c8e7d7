namespace Containers.Cli.Cli;

/// <summary>Declares one command-line flag: its long name, optional one-letter alias, and whether it takes a value.</summary>
internal sealed record OptionSpec(string Name, char? Short = null, bool TakesValue = false, string Help = "", string? ValueName = null)
{
    public static OptionSpec Flag(string name, char? shortName, string help) => new(name, shortName, false, help);

    public static OptionSpec Value(string name, char? shortName, string valueName, string help) => new(name, shortName, true, help, valueName);
}
