namespace Containers.Build;

// The parsed form of a Dockerfile. Values that Docker expands (paths, ENV values, ports) are kept raw here and
// expanded by the builder, which knows the build arguments and the stage's environment at that point.

/// <summary>A command in exec form (a JSON array) or shell form (raw text run through the SHELL).</summary>
internal sealed record CommandLine(bool IsExec, IReadOnlyList<string> Arguments, string ShellText)
{
    public static CommandLine Exec(IReadOnlyList<string> args) => new(true, args, string.Empty);

    public static CommandLine Shell(string text) => new(false, [], text);

    /// <summary>The process arguments: exec form as is, shell form after the shell.</summary>
    public IReadOnlyList<string> ToArguments(IReadOnlyList<string> shell) => IsExec ? Arguments : [.. shell, ShellText];
}

/// <summary>An inline file (<c>&lt;&lt;EOF</c> ... <c>EOF</c>); <see cref="Expand"/> is false when the delimiter was quoted.</summary>
internal sealed record Heredoc(string Name, string Content, bool Expand, bool StripTabs);

internal abstract record Instruction(int Line, string Keyword, string Text);

internal sealed record FromInstruction(int Line, string Text, string Image, string? StageName, string? Platform) : Instruction(Line, "FROM", Text);

internal sealed record RunInstruction(int Line, string Text, CommandLine Command, IReadOnlyList<Heredoc> Heredocs, string? Network) : Instruction(Line, "RUN", Text);

internal sealed record CmdInstruction(int Line, string Text, CommandLine Command) : Instruction(Line, "CMD", Text);

internal sealed record EntrypointInstruction(int Line, string Text, CommandLine Command) : Instruction(Line, "ENTRYPOINT", Text);

internal sealed record ShellInstruction(int Line, string Text, IReadOnlyList<string> Shell) : Instruction(Line, "SHELL", Text);

internal sealed record CopyInstruction(int Line, string Text, bool IsAdd, IReadOnlyList<string> Sources, string Destination, string? From, string? Chown, string? Chmod, IReadOnlyList<Heredoc> Heredocs)
    : Instruction(Line, IsAdd ? "ADD" : "COPY", Text);

internal sealed record EnvInstruction(int Line, string Text, IReadOnlyList<KeyValuePair<string, string>> Pairs) : Instruction(Line, "ENV", Text);

internal sealed record LabelInstruction(int Line, string Text, IReadOnlyList<KeyValuePair<string, string>> Pairs) : Instruction(Line, "LABEL", Text);

internal sealed record ArgDefinition(string Name, string? Default);

internal sealed record ArgInstruction(int Line, string Text, IReadOnlyList<ArgDefinition> Arguments) : Instruction(Line, "ARG", Text);

internal sealed record WorkdirInstruction(int Line, string Text, string Path) : Instruction(Line, "WORKDIR", Text);

internal sealed record UserInstruction(int Line, string Text, string User) : Instruction(Line, "USER", Text);

internal sealed record ExposeInstruction(int Line, string Text, IReadOnlyList<string> Ports) : Instruction(Line, "EXPOSE", Text);

internal sealed record VolumeInstruction(int Line, string Text, IReadOnlyList<string> Paths, bool IsJson) : Instruction(Line, "VOLUME", Text);

internal sealed record StopSignalInstruction(int Line, string Text, string Signal) : Instruction(Line, "STOPSIGNAL", Text);

/// <summary>A health check; a null <see cref="Command"/> is <c>HEALTHCHECK NONE</c>. Durations in nanoseconds, 0 when not given.</summary>
internal sealed record HealthcheckInstruction(int Line, string Text, CommandLine? Command, long Interval, long Timeout, long StartPeriod, long StartInterval, int Retries)
    : Instruction(Line, "HEALTHCHECK", Text);

internal sealed record OnbuildInstruction(int Line, string Text, string Trigger, Instruction Parsed) : Instruction(Line, "ONBUILD", Text);

internal sealed record MaintainerInstruction(int Line, string Text, string Name) : Instruction(Line, "MAINTAINER", Text);

/// <summary>One <c>FROM</c> and the instructions up to the next.</summary>
internal sealed record DockerfileStage(int Index, FromInstruction From, IReadOnlyList<Instruction> Instructions)
{
    public string? Name => From.StageName;
}

/// <summary>A parsed Dockerfile: its directives, the <c>ARG</c>s before the first <c>FROM</c>, and its stages.</summary>
internal sealed record Dockerfile(string FileName, char Escape, IReadOnlyDictionary<string, string> Directives, IReadOnlyList<ArgInstruction> GlobalArgs, IReadOnlyList<DockerfileStage> Stages)
{
    /// <summary>Finds a stage by name (case-insensitive, as Docker) or index.</summary>
    public DockerfileStage? FindStage(string nameOrIndex) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase))
        ?? (int.TryParse(nameOrIndex, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < Stages.Count ? Stages[i] : null);
}
