namespace Containers.Cli.Cli;

/// <summary>Parses flags the way docker's command line does: <c>--name value</c>, <c>--name=value</c>, <c>-abc</c>, <c>-e V</c>, <c>--</c>.</summary>
internal static class ArgumentParser
{
    public static ParsedArguments Parse(CommandSpec command, IReadOnlyList<string> args)
    {
        var parsed = new ParsedArguments();
        var flagsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (flagsEnded || arg == "-" || !arg.StartsWith('-'))
            {
                parsed.Positionals.Add(arg);
                flagsEnded |= command.FlagsStopAtFirstArgument;
                continue;
            }

            if (arg == "--")
            {
                flagsEnded = true;
                continue;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? arg[2..] : arg[2..eq];
                var spec = Find(command, name) ?? throw new UsageException($"unknown flag: --{name}");
                if (spec.TakesValue)
                {
                    parsed.Add(spec.Name, eq >= 0 ? arg[(eq + 1)..] : NextValue(args, ref i, "--" + name));
                }
                else
                {
                    parsed.Add(spec.Name, eq >= 0 ? arg[(eq + 1)..] : "true");
                }

                continue;
            }

            // A cluster of short flags; the first one taking a value consumes the rest of the word or the next argument.
            for (var j = 1; j < arg.Length; j++)
            {
                var spec = command.Options.FirstOrDefault(o => o.Short == arg[j]) ?? throw new UsageException($"unknown shorthand flag: '{arg[j]}' in {arg}");
                if (!spec.TakesValue)
                {
                    parsed.Add(spec.Name, "true");
                    continue;
                }

                var rest = arg[(j + 1)..];
                parsed.Add(spec.Name, rest.Length > 0 ? rest.TrimStart('=') : NextValue(args, ref i, "-" + arg[j]));
                break;
            }
        }

        return parsed;
    }

    private static OptionSpec? Find(CommandSpec command, string name) =>
        command.Options.FirstOrDefault(o => o.Name == name);

    private static string NextValue(IReadOnlyList<string> args, ref int i, string flag) =>
        ++i < args.Count ? args[i] : throw new UsageException($"flag needs an argument: {flag}");
}
