using Containers.Build;

namespace Containers.Core.Tests.Build;

public sealed class DockerfileParserTests
{
    private static Dockerfile Parse(string text) => DockerfileParser.Parse(text, "Dockerfile");

    private static Instruction Single(string instruction) => Parse("FROM busybox\n" + instruction).Stages[0].Instructions.Single();

    [Fact]
    public void From_takes_a_stage_name_a_platform_and_global_args_before_it()
    {
        var file = Parse("ARG BASE=busybox\nFROM --platform=linux/amd64 ${BASE} AS Build\nFROM build\nFROM scratch");
        Assert.Equal("BASE", Assert.Single(file.GlobalArgs).Arguments[0].Name);
        Assert.Equal(("${BASE}", "build", "linux/amd64"), (file.Stages[0].From.Image, file.Stages[0].Name, file.Stages[0].From.Platform));
        Assert.Equal("build", file.Stages[1].From.Image);
        Assert.Equal(1, file.FindStage("BUILD")?.Index + 1);
    }

    [Fact]
    public void Run_cmd_and_entrypoint_have_exec_and_shell_forms()
    {
        var exec = Assert.IsType<RunInstruction>(Single("RUN [\"echo\", \"a b\"]"));
        Assert.Equal(["echo", "a b"], exec.Command.Arguments);
        var shell = Assert.IsType<RunInstruction>(Single("RUN --network=none echo $HOME \\\n  && true"));
        Assert.Equal("echo $HOME   && true", shell.Command.ShellText);
        Assert.Equal("none", shell.Network);
        Assert.Equal(["/bin/sh", "-c", "x"], Assert.IsType<CmdInstruction>(Single("CMD x")).Command.ToArguments(["/bin/sh", "-c"]));
        Assert.True(Assert.IsType<EntrypointInstruction>(Single("ENTRYPOINT [\"/e\"]")).Command.IsExec);
        Assert.False(Assert.IsType<CmdInstruction>(Single("CMD [not json")).Command.IsExec);
        Assert.Equal(["/bin/bash", "-c"], Assert.IsType<ShellInstruction>(Single("SHELL [\"/bin/bash\", \"-c\"]")).Shell);
    }

    [Fact]
    public void Copy_and_add_take_flags_sources_and_a_destination()
    {
        var copy = Assert.IsType<CopyInstruction>(Single("COPY --from=build --chown=app:app --chmod=0755 a b* /dest/"));
        Assert.Equal(["a", "b*"], copy.Sources);
        Assert.Equal(("/dest/", "build", "app:app", "0755"), (copy.Destination, copy.From, copy.Chown, copy.Chmod));
        var add = Assert.IsType<CopyInstruction>(Single("ADD [\"with space.tar\", \"/x\"]"));
        Assert.True(add.IsAdd);
        Assert.Equal("with space.tar", add.Sources[0]);
    }

    [Fact]
    public void Env_label_and_arg_take_both_forms()
    {
        var env = Assert.IsType<EnvInstruction>(Single("ENV A=1 B=\"two words\" C=3\\ 4"));
        Assert.Equal(["A", "B", "C"], env.Pairs.Select(p => p.Key));
        Assert.Equal("value with spaces", Assert.IsType<EnvInstruction>(Single("ENV LEGACY value with spaces")).Pairs[0].Value);
        Assert.Equal("\"demo app\"", Assert.IsType<LabelInstruction>(Single("LABEL \"name\"=\"demo app\"")).Pairs[0].Value);
        var arg = Assert.IsType<ArgInstruction>(Single("ARG A B=2"));
        Assert.Equal([null, "2"], arg.Arguments.Select(a => a.Default));
    }

    [Fact]
    public void Metadata_instructions_parse()
    {
        Assert.Equal("/app", Assert.IsType<WorkdirInstruction>(Single("WORKDIR /app")).Path);
        Assert.Equal("app:app", Assert.IsType<UserInstruction>(Single("USER app:app")).User);
        Assert.Equal(["80", "53/udp"], Assert.IsType<ExposeInstruction>(Single("EXPOSE 80 53/udp")).Ports);
        Assert.Equal(["/a", "/b"], Assert.IsType<VolumeInstruction>(Single("VOLUME [\"/a\", \"/b\"]")).Paths);
        Assert.Equal(["/a", "/b"], Assert.IsType<VolumeInstruction>(Single("VOLUME /a /b")).Paths);
        Assert.Equal("SIGINT", Assert.IsType<StopSignalInstruction>(Single("STOPSIGNAL SIGINT")).Signal);
        var onbuild = Assert.IsType<OnbuildInstruction>(Single("ONBUILD RUN echo hi"));
        Assert.IsType<RunInstruction>(onbuild.Parsed);
        Assert.Equal("me", Assert.IsType<MaintainerInstruction>(Single("MAINTAINER me")).Name);
    }

    [Fact]
    public void Healthcheck_takes_durations_retries_and_none()
    {
        var check = Assert.IsType<HealthcheckInstruction>(Single("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5s --retries=3 CMD curl -f http://x/"));
        Assert.Equal((90_000_000_000L, 500_000_000L, 1_500_000_000L, 3), (check.Interval, check.Timeout, check.StartPeriod, check.Retries));
        Assert.Equal("curl -f http://x/", check.Command!.ShellText);
        Assert.Null(Assert.IsType<HealthcheckInstruction>(Single("HEALTHCHECK NONE")).Command);
    }

    [Fact]
    public void Directives_comments_continuations_and_heredocs()
    {
        var file = Parse("# escape=`\n# syntax=docker/dockerfile:1\nFROM busybox\n# comment\nRUN echo a `\n# inside\n  b\nRUN <<EOF\necho 1\nEOF\nCOPY <<-'X' /f\n\tbody $V\n\tX\n");
        Assert.Equal('`', file.Escape);
        Assert.Equal("docker/dockerfile:1", file.Directives["syntax"]);
        Assert.Equal("echo a   b", ((RunInstruction)file.Stages[0].Instructions[0]).Command.ShellText);
        Assert.Equal("echo 1\n", ((RunInstruction)file.Stages[0].Instructions[1]).Heredocs[0].Content);
        var heredoc = ((CopyInstruction)file.Stages[0].Instructions[2]).Heredocs[0];
        Assert.Equal(("body $V\n", false), (heredoc.Content, heredoc.Expand));
    }

    [Theory]
    [InlineData("RUN echo", 1, "RUN", "FROM")]
    [InlineData("FROM busybox\nFROBNICATE x", 2, "FROBNICATE", "unknown instruction")]
    [InlineData("FROM busybox\nCOPY onlyone", 2, "COPY", "at least one source")]
    [InlineData("FROM busybox\nCOPY --bogus=1 a b", 2, "COPY", "unknown flag --bogus")]
    [InlineData("FROM busybox\nRUN --mount=type=cache,target=/x true", 2, "RUN", "not supported")]
    [InlineData("FROM busybox\nCOPY --chmod=999 a b", 2, "COPY", "invalid --chmod")]
    [InlineData("FROM busybox\nENV", 2, "ENV", "at least one argument")]
    [InlineData("FROM busybox\nENV A", 2, "ENV", "has no value")]
    [InlineData("FROM busybox\nLABEL a=1 b", 2, "LABEL", "name=value")]
    [InlineData("FROM busybox\nENV =x", 2, "ENV", "empty name")]
    [InlineData("FROM busybox\nARG a!b", 2, "ARG", "invalid argument name")]
    [InlineData("FROM busybox AS 1bad", 1, "FROM", "invalid stage name")]
    [InlineData("FROM busybox AS a\nFROM busybox AS a", 2, "FROM", "used twice")]
    [InlineData("FROM busybox as", 1, "FROM", "AS name")]
    [InlineData("FROM busybox\nSHELL /bin/sh", 2, "SHELL", "JSON array")]
    [InlineData("FROM busybox\nHEALTHCHECK --interval=soon CMD x", 2, "HEALTHCHECK", "invalid --interval")]
    [InlineData("FROM busybox\nHEALTHCHECK --interval=10us CMD x", 2, "HEALTHCHECK", "less than 1ms")]
    [InlineData("FROM busybox\nHEALTHCHECK --retries=-1 CMD x", 2, "HEALTHCHECK", "--retries")]
    [InlineData("FROM busybox\nHEALTHCHECK NONE x", 2, "HEALTHCHECK", "no arguments")]
    [InlineData("FROM busybox\nHEALTHCHECK PING x", 2, "HEALTHCHECK", "unknown type")]
    [InlineData("FROM busybox\nONBUILD FROM x", 2, "ONBUILD", "isn't allowed")]
    [InlineData("FROM busybox\nUSER a b", 2, "USER", "exactly one argument")]
    [InlineData("FROM busybox\nRUN <<EOF\nnever ends", 2, "RUN", "not terminated")]
    [InlineData("# escape=x\nFROM busybox", 1, "", "invalid escape token")]
    [InlineData("# escape=`\n# escape=`\nFROM busybox", 2, "", "given twice")]
    [InlineData("FROM busybox\nCOPY --from=a <<EOF /x\nhi\nEOF", 2, "COPY", "--from cannot")]
    [InlineData("FROM busybox\nCOPY --chown a b", 2, "COPY", "needs a value")]
    public void Errors_name_the_file_line_and_instruction(string text, int line, string instruction, string problem)
    {
        var error = Assert.Throws<DockerfileSyntaxException>(() => Parse(text));
        Assert.Equal(("Dockerfile", line, instruction), (error.FileName, error.Line, error.Instruction));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
