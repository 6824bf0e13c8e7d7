using System.Text.Json;
using System.Text.RegularExpressions;

namespace Containers.Build;

/// <summary>Parses a Dockerfile into stages of instructions, checking its syntax; variables are expanded later, when building.</summary>
internal static partial class DockerfileParser
{
    private static readonly Dictionary<string, string[]> AllowedFlags = new()
    {
        ["FROM"] = ["platform"],
        ["RUN"] = ["network"],
        ["COPY"] = ["from", "chown", "chmod", "link"],
        ["ADD"] = ["chown", "chmod", "link"],
        ["HEALTHCHECK"] = ["interval", "timeout", "start-period", "start-interval", "retries"],
    };

    [GeneratedRegex("^[a-z][a-z0-9-_.]*$")]
    private static partial Regex StageName();

    /// <exception cref="DockerfileSyntaxException">The text is not a valid Dockerfile.</exception>
    public static Dockerfile Parse(string text, string fileName = "Dockerfile")
    {
        ArgumentNullException.ThrowIfNull(text);
        var (directives, escape, lines) = DockerfileLines.Split(text, fileName);
        var parser = new Context(fileName, new ShellWords(escape));
        var globalArgs = new List<ArgInstruction>();
        var stages = new List<DockerfileStage>();
        FromInstruction? from = null;
        var body = new List<Instruction>();
        foreach (var line in lines)
        {
            var instruction = parser.Instruction(line);
            if (instruction is FromInstruction f)
            {
                if (from is not null)
                {
                    stages.Add(new DockerfileStage(stages.Count, from, body));
                }

                if (f.StageName is { } name && (stages.Any(s => s.Name == name) || from?.StageName == name))
                {
                    throw parser.Error(line, $"the stage name '{name}' is used twice");
                }

                from = f;
                body = [];
            }
            else if (from is null)
            {
                globalArgs.Add(instruction as ArgInstruction ?? throw parser.Error(line, "only ARG may come before the first FROM; start the Dockerfile with FROM"));
            }
            else
            {
                body.Add(instruction);
            }
        }

        if (from is null)
        {
            throw new DockerfileSyntaxException(fileName, Math.Max(1, lines.Count == 0 ? 1 : lines[^1].Line), string.Empty, "the Dockerfile has no FROM instruction");
        }

        stages.Add(new DockerfileStage(stages.Count, from, body));
        return new Dockerfile(fileName, escape, directives, globalArgs, stages);
    }

    private sealed class Context(string fileName, ShellWords words)
    {
        public DockerfileSyntaxException Error(LogicalLine line, string problem) => new(fileName, line.Line, line.Keyword, problem);

        public Instruction Instruction(LogicalLine line)
        {
            if (!IsKnown(line.Keyword))
            {
                throw Error(line, $"unknown instruction '{line.Keyword}'");
            }

            var (flags, rest) = Flags(line);
            var text = line.Keyword + (line.Arguments.Length > 0 ? " " + line.Arguments : string.Empty);
            if (rest.Length == 0 && line.Keyword is not ("CMD" or "ENTRYPOINT"))
            {
                throw Error(line, "it needs at least one argument");
            }

            return line.Keyword switch
            {
                "FROM" => From(line, text, flags, rest),
                "RUN" => new RunInstruction(line.Line, text, Command(line, rest), line.Heredocs, flags.GetValueOrDefault("network")),
                "CMD" => new CmdInstruction(line.Line, text, Command(line, rest)),
                "ENTRYPOINT" => new EntrypointInstruction(line.Line, text, Command(line, rest)),
                "SHELL" => new ShellInstruction(line.Line, text, TryJson(rest) is { Count: > 0 } shell ? shell : throw Error(line, "it needs a non-empty JSON array, as SHELL [\"/bin/sh\", \"-c\"]")),
                "COPY" or "ADD" => Copy(line, text, flags, rest),
                "ENV" => new EnvInstruction(line.Line, text, Pairs(line, rest, legacy: true)),
                "LABEL" => new LabelInstruction(line.Line, text, Pairs(line, rest, legacy: true)),
                "ARG" => Arg(line, text, rest),
                "WORKDIR" => new WorkdirInstruction(line.Line, text, rest),
                "USER" => new UserInstruction(line.Line, text, Single(line, rest)),
                "EXPOSE" => new ExposeInstruction(line.Line, text, words.SplitRaw(rest)),
                "VOLUME" => TryJson(rest) is { } paths
                    ? new VolumeInstruction(line.Line, text, paths.Count > 0 ? paths : throw Error(line, "it needs at least one path"), true)
                    : new VolumeInstruction(line.Line, text, words.SplitRaw(rest), false),
                "STOPSIGNAL" => new StopSignalInstruction(line.Line, text, Single(line, rest)),
                "HEALTHCHECK" => Healthcheck(line, text, flags, rest),
                "ONBUILD" => Onbuild(line, text, rest),
                "MAINTAINER" => new MaintainerInstruction(line.Line, text, rest),
                _ => throw Error(line, $"unknown instruction '{line.Keyword}'"),
            };
        }

        private static bool IsKnown(string keyword) => keyword is "FROM" or "RUN" or "CMD" or "ENTRYPOINT" or "SHELL" or "COPY" or "ADD" or "ENV" or "LABEL"
            or "ARG" or "WORKDIR" or "USER" or "EXPOSE" or "VOLUME" or "STOPSIGNAL" or "HEALTHCHECK" or "ONBUILD" or "MAINTAINER";

        /// <summary>Takes the leading <c>--name=value</c> flags off the arguments, checking each is allowed for the instruction.</summary>
        private (Dictionary<string, string> Flags, string Remainder) Flags(LogicalLine line)
        {
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            var rest = line.Arguments;
            if (!AllowedFlags.TryGetValue(line.Keyword, out var allowed))
            {
                return (flags, rest);
            }

            while (rest.StartsWith("--", StringComparison.Ordinal))
            {
                var end = rest.IndexOfAny([' ', '\t']);
                var flag = end < 0 ? rest[2..] : rest[2..end];
                rest = end < 0 ? string.Empty : rest[end..].TrimStart(' ', '\t');
                var equals = flag.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? flag : flag[..equals];
                if (!allowed.Contains(name))
                {
                    var hint = name is "mount" or "security" or "exclude" or "parents" or "checksum" or "keep-git-dir"
                        ? $"the flag --{name} is not supported by this builder"
                        : $"unknown flag --{name}; {line.Keyword} takes {string.Join(", ", allowed.Select(a => "--" + a))}";
                    throw Error(line, hint);
                }

                if (equals < 0 && name != "link")
                {
                    throw Error(line, $"the flag --{name} needs a value, as --{name}=VALUE");
                }

                if (!flags.TryAdd(name, equals < 0 ? "true" : flag[(equals + 1)..]))
                {
                    throw Error(line, $"the flag --{name} is given twice");
                }
            }

            return (flags, rest);
        }

        private FromInstruction From(LogicalLine line, string text, Dictionary<string, string> flags, string rest)
        {
            var parts = words.SplitRaw(rest);
            string? stage = null;
            if (parts.Count == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
            {
                stage = parts[2].ToLowerInvariant();
                if (!StageName().IsMatch(stage))
                {
                    throw Error(line, $"invalid stage name '{parts[2]}': use letters, digits, '-', '_' and '.', starting with a letter");
                }
            }
            else if (parts.Count != 1)
            {
                throw Error(line, "it takes an image and optionally 'AS name', as FROM busybox AS build");
            }

            return new FromInstruction(line.Line, text, parts[0], stage, flags.GetValueOrDefault("platform"));
        }

        private CommandLine Command(LogicalLine line, string rest)
        {
            if (TryJson(rest) is { } exec)
            {
                return CommandLine.Exec(exec);
            }

            if (rest.Length == 0)
            {
                throw Error(line, "it needs a command");
            }

            return CommandLine.Shell(rest);
        }

        private CopyInstruction Copy(LogicalLine line, string text, Dictionary<string, string> flags, string rest)
        {
            var isAdd = line.Keyword == "ADD";
            var args = TryJson(rest) ?? words.SplitRaw(rest);
            if (args.Count < 2)
            {
                throw Error(line, $"it needs at least one source and a destination, as {line.Keyword} src dest");
            }

            if (flags.TryGetValue("chmod", out var chmod) && !chmod.Contains('$', StringComparison.Ordinal) && !IsOctalMode(chmod))
            {
                throw Error(line, $"invalid --chmod '{chmod}': give an octal mode, as --chmod=0755");
            }

            if (flags.ContainsKey("from") && line.Heredocs.Count > 0)
            {
                throw Error(line, "--from cannot be combined with a heredoc source");
            }

            return new CopyInstruction(line.Line, text, isAdd, args[..^1], args[^1], flags.GetValueOrDefault("from"), flags.GetValueOrDefault("chown"), chmod, line.Heredocs);
        }

        private static bool IsOctalMode(string mode) => mode.Length is > 0 and <= 4 && mode.All(c => c is >= '0' and <= '7');

        private List<KeyValuePair<string, string>> Pairs(LogicalLine line, string rest, bool legacy)
        {
            var parts = words.SplitRaw(rest);
            if (legacy && !parts[0].Contains('=', StringComparison.Ordinal))
            {
                var value = rest[parts[0].Length..].TrimStart(' ', '\t');
                if (value.Length == 0)
                {
                    throw Error(line, $"'{parts[0]}' has no value: write {parts[0]}=value");
                }

                return [new(parts[0], value)];
            }

            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var part in parts)
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    throw Error(line, $"'{part}' is not of the form name=value");
                }

                if (equals == 0)
                {
                    throw Error(line, $"'{part}' has an empty name");
                }

                pairs.Add(new(part[..equals], part[(equals + 1)..]));
            }

            return pairs;
        }

        private ArgInstruction Arg(LogicalLine line, string text, string rest)
        {
            var definitions = new List<ArgDefinition>();
            foreach (var part in words.SplitRaw(rest))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? part : part[..equals];
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                {
                    throw Error(line, $"invalid argument name '{name}'");
                }

                definitions.Add(new ArgDefinition(name, equals < 0 ? null : part[(equals + 1)..]));
            }

            return new ArgInstruction(line.Line, text, definitions);
        }

        private string Single(LogicalLine line, string rest)
        {
            var parts = words.SplitRaw(rest);
            return parts.Count == 1 ? rest : throw Error(line, $"it takes exactly one argument, not {parts.Count}");
        }

        private HealthcheckInstruction Healthcheck(LogicalLine line, string text, Dictionary<string, string> flags, string rest)
        {
            var space = rest.IndexOfAny([' ', '\t']);
            var type = (space < 0 ? rest : rest[..space]).ToUpperInvariant();
            var command = space < 0 ? string.Empty : rest[(space + 1)..].TrimStart(' ', '\t');
            if (type == "NONE")
            {
                if (command.Length > 0 || flags.Count > 0)
                {
                    throw Error(line, "HEALTHCHECK NONE takes no arguments and no flags");
                }

                return new HealthcheckInstruction(line.Line, text, null, 0, 0, 0, 0, 0);
            }

            if (type != "CMD")
            {
                throw Error(line, $"unknown type '{type}': use HEALTHCHECK CMD command or HEALTHCHECK NONE");
            }

            var retries = 0;
            if (flags.TryGetValue("retries", out var r) && (!int.TryParse(r, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out retries) || retries < 0))
            {
                throw Error(line, $"invalid --retries '{r}': give a whole number of at least 0");
            }

            return new HealthcheckInstruction(line.Line, text, Command(line, command), Duration(line, flags, "interval"), Duration(line, flags, "timeout"),
                Duration(line, flags, "start-period"), Duration(line, flags, "start-interval"), retries);
        }

        private long Duration(LogicalLine line, Dictionary<string, string> flags, string name)
        {
            if (!flags.TryGetValue(name, out var text))
            {
                return 0;
            }

            var nanoseconds = GoDuration.TryParse(text) ?? throw Error(line, $"invalid --{name} '{text}': give a duration, as 30s, 1m30s or 500ms");
            if (nanoseconds != 0 && nanoseconds < 1_000_000)
            {
                throw Error(line, $"--{name} '{text}' cannot be less than 1ms");
            }

            return nanoseconds;
        }

        private OnbuildInstruction Onbuild(LogicalLine line, string text, string rest)
        {
            var space = rest.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? rest : rest[..space]).ToUpperInvariant();
            if (keyword is "ONBUILD" or "FROM" or "MAINTAINER")
            {
                throw Error(line, $"{keyword} isn't allowed as an ONBUILD trigger");
            }

            var inner = new LogicalLine(line.Line, keyword, space < 0 ? string.Empty : rest[(space + 1)..].TrimStart(' ', '\t'), []);
            return new OnbuildInstruction(line.Line, text, rest, Instruction(inner));
        }

        private static List<string>? TryJson(string rest)
        {
            if (!rest.StartsWith('['))
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(rest);
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                var list = new List<string>();
                foreach (var element in document.RootElement.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.String)
                    {
                        return null;
                    }

                    list.Add(element.GetString()!);
                }

                return list;
            }
            catch (JsonException)
            {
                return null; // as Docker: text that is not a JSON array of strings is the shell form
            }
        }
    }
}
