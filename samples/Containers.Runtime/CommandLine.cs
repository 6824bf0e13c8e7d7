namespace Containers.Runtime;

/// <summary>
/// Splits a runc-style command line: global flags, the command, its flags and its arguments. Flags take
/// <c>--name value</c> or <c>--name=value</c>, as urfave/cli (runc's parser) accepts.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _arguments = [];

    private CommandLine()
    {
    }

    /// <summary>Gets the arguments that are not flags.</summary>
    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>
    /// Parses <paramref name="args"/> from <paramref name="start"/>. <paramref name="valued"/> lists the flags that take a
    /// value, <paramref name="switches"/> those that do not; <paramref name="stopAtArgument"/> ends at the first argument
    /// (the command, for global flags) and returns its index in <paramref name="next"/>.
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, int start, string[] valued, string[] switches, bool stopAtArgument, out int next)
    {
        var line = new CommandLine();
        var i = start;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                line._arguments.AddRange(args.Skip(i + 1));
                i = args.Count;
                break;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                if (stopAtArgument)
                {
                    break;
                }

                line._arguments.Add(arg);
                continue;
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (valued.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new UsageException($"flag needs an argument: -{name}");
                    }

                    value = args[++i];
                }

                line._flags[name] = value;
            }
            else if (switches.Contains(name))
            {
                line._flags[name] = value ?? "true";
            }
            else
            {
                throw new UsageException($"flag provided but not defined: -{name}");
            }
        }

        next = i;
        return line;
    }

    public string? Value(params string[] names) => names.Select(n => _flags.GetValueOrDefault(n)).FirstOrDefault(v => v is not null);

    public bool Switch(params string[] names) => Value(names) is { } value && value != "false";
}

/// <summary>A malformed command line; runc prints these as "Incorrect Usage" and exits with 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
