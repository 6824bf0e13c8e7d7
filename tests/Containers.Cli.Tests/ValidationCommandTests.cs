using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Bad input gets one clear line naming what is wrong, exit code 125, and leaves no container; valid input Docker
/// accepts (stop -t -1) is accepted; inspect and ps take Go templates.
/// </summary>
public sealed class ValidationCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-validation");

    public async Task InitializeAsync()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    [Theory]
    [InlineData("--env", "=foo", "--env")]
    [InlineData("--cpu-shares", "-5", "--cpu-shares -5")]
    [InlineData("--cpus", "1000", "range of CPUs is from 0.01 to")]
    [InlineData("--memory", "1", "Minimum memory limit allowed is 6MB")]
    [InlineData("--workdir", "relative", "it needs to be an absolute path")]
    [InlineData("--user", "nobody-here", "unable to find user nobody-here")]
    [InlineData("--ulimit", "nofile=-1", "--ulimit nofile=-1")]
    [InlineData("--cpuset-cpus", "99", "Requested CPUs are not available")]
    [InlineData("--hostname", "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh", "--hostname")]
    [InlineData("--volume", "/tmp:/proc", "inside /proc")]
    public async Task A_bad_option_fails_run_with_one_line_and_leaves_nothing(string flag, string value, string expected)
    {
        foreach (var rm in new[] { true, false })
        {
            string[] args = rm ? ["run", "--rm", flag, value, "busybox", "true"] : ["run", flag, value, "busybox", "true"];
            var result = await Run(args);

            result.ExitCode.Should().Be(125, result.Stderr);
            result.Stderr.Should().Contain(expected);
            result.Stderr.TrimEnd('\n').Should().NotContain("\n", "the error is one line");
            await AssertNothingLeftAsync();
        }
    }

    [Fact]
    public async Task A_missing_program_or_empty_command_fails_clearly_and_leaves_nothing()
    {
        var missing = await Run("run", "--rm", "--name", "no-program", "busybox", "/no/such/program");
        missing.ExitCode.Should().Be(127);
        missing.Stderr.Should().Contain("/no/such/program").And.Contain("no-program");
        await AssertNothingLeftAsync();

        var empty = await Run("run", "busybox", "");
        empty.ExitCode.Should().Be(125);
        empty.Stderr.Should().Contain("program name is empty").And.NotContain("Exception");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Zero_pids_limit_means_unlimited_as_in_Docker()
    {
        var result = await Run("run", "--rm", "--pids-limit", "0", "busybox", "echo", "ran");
        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Be("ran\n");
    }

    [Fact]
    public async Task Stop_with_minus_one_waits_for_the_container_instead_of_failing()
    {
        var id = (await Run("run", "-d", "busybox", "sh", "-c", "trap 'sleep 1; exit 3' TERM; while true; do sleep 0.1; done")).Stdout.Trim();
        try
        {
            var stop = await Run("stop", "-t", "-1", id);
            stop.ExitCode.Should().Be(0, stop.Stderr);
            (await Run("inspect", "-f", "{{.State.ExitCode}}", id)).Stdout.Should().Be("3\n", "the container's own exit, not SIGKILL's 137");

            var negative = await Run("stop", "-t", "-5", id);
            negative.ExitCode.Should().Be(125);
            negative.Stderr.Should().Contain("--time").And.NotContain("Exception");
        }
        finally
        {
            await Run("rm", "-f", id);
        }
    }

    [Fact]
    public async Task Import_of_a_directory_says_it_is_a_directory()
    {
        using var directory = new TempDirectory("import-dir");
        var result = await Run("import", directory.Path);

        result.ExitCode.Should().Be(125);
        result.Stderr.Should().Contain("is a directory");
    }

    [Fact]
    public async Task Inspect_and_ps_apply_go_templates()
    {
        var id = (await Run("create", "--name", "templated", "--label", "tier=db", "busybox", "true")).Stdout.Trim();
        try
        {
            (await Run("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Name}} {{.Config.Image}}", "templated")).Stdout.Should().Be("created 0 /templated busybox\n");
            (await Run("container", "inspect", "--format", "{{.Id}}", "templated")).Stdout.Should().Be(id + "\n");
            (await Run("inspect", "-f", "{{index .Config.Labels \"tier\"}}", "templated")).Stdout.Should().Be("db\n");
            (await Run("inspect", "-f", "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "templated")).Stdout.Should().Contain("tier=db;");
            (await Run("inspect", "-f", "{{json .State.Status}}", "templated")).Stdout.Should().Be("\"created\"\n");
            (await Run("ps", "-a", "--format", "{{.Names}} {{.State}}")).Stdout.Should().Be("templated created\n");

            var unknown = await Run("inspect", "-f", "{{.State.Nope}}", "templated");
            unknown.ExitCode.Should().NotBe(0);
            unknown.Stderr.Should().Contain("map has no entry for key \"Nope\"");
        }
        finally
        {
            await Run("rm", "-f", id);
        }
    }

    private async Task AssertNothingLeftAsync()
    {
        (await Run("ps", "-a", "-q")).Stdout.Should().BeEmpty();
        RootLeftovers.Find(_root.Path).Should().BeEmpty();
    }
}
