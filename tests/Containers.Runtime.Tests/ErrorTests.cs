using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>Bad input gets runc's exit code (1) and wording on stderr, and leaves no state or cgroup behind.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-err");
    private readonly RuntimeCli _cli;

    public ErrorTests() => _cli = new RuntimeCli(_scratch);

    public void Dispose()
    {
        _cli.Dispose();
        _scratch.Dispose();
    }

    private void NothingLeftFor(string id)
    {
        Directory.Exists(Path.Combine(_cli.StateRoot, id)).Should().BeFalse();
        RuntimeBundle.CgroupExists(id).Should().BeFalse();
    }

    [Theory]
    [InlineData("state")]
    [InlineData("start")]
    [InlineData("kill")]
    [InlineData("delete")]
    public async Task An_unknown_id_does_not_exist(string command)
    {
        var result = await _cli.RunAsync(command, "ocirt-missing");
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("level=error").And.Contain("container \\\"ocirt-missing\\\" does not exist");
        result.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task A_bundle_without_config_json_is_refused()
    {
        var id = RuntimeBundle.NewId("noconf");
        Directory.CreateDirectory(_scratch.Combine("empty"));
        var result = await _cli.RunAsync("create", "--bundle", _scratch.Combine("empty"), id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("config.json not found");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task Malformed_config_json_is_refused()
    {
        var id = RuntimeBundle.NewId("badjson");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"]);
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), "{\"process\": [");
        var result = await _cli.RunAsync("create", "--bundle", bundle, id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("parsing");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task A_missing_rootfs_is_refused()
    {
        var id = RuntimeBundle.NewId("noroot");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["root"]!["path"] = "missing");
        var result = await _cli.RunAsync("create", "--bundle", bundle, id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain($"rootfs ({bundle}/missing) does not exist");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task A_terminal_without_a_console_socket_is_refused()
    {
        var id = RuntimeBundle.NewId("tty");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["process"]!["terminal"] = true);
        var result = await _cli.RunAsync("create", "--bundle", bundle, id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("cannot allocate tty if runc will detach without setting console socket");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task A_console_socket_nobody_listens_on_fails_create_and_cleans_up()
    {
        var id = RuntimeBundle.NewId("nosock");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["process"]!["terminal"] = true);
        var result = await _cli.RunAsync("create", "--bundle", bundle, "--console-socket", _scratch.Combine("missing.sock"), id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("connecting to the console socket");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task A_missing_program_fails_create_and_cleans_up()
    {
        var id = RuntimeBundle.NewId("noexe");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["no-such-program"]);
        var result = await _cli.RunAsync("create", "--bundle", bundle, id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("executable file not found in $PATH");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task Creating_the_same_id_twice_is_refused_and_the_first_survives()
    {
        var id = RuntimeBundle.NewId("twice");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"]);
        (await _cli.RunAsync("create", "--bundle", bundle, id)).ExitCode.Should().Be(0);
        var second = await _cli.RunAsync("create", "--bundle", bundle, id);
        second.ExitCode.Should().Be(1);
        second.Stderr.Should().Contain($"container with id exists: {id}");
        var state = await _cli.RunAsync("state", id);
        JsonDocument.Parse(state.Stdout).RootElement.GetProperty("status").GetString().Should().Be("created");
        (await _cli.RunAsync("delete", id)).ExitCode.Should().Be(0);
        NothingLeftFor(id);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    public async Task An_id_that_is_not_a_plain_name_is_refused(string id)
    {
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"]);
        var result = await _cli.RunAsync("create", "--bundle", bundle, id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("invalid id format");
        Directory.Exists(_cli.StateRoot).Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_signal_is_refused()
    {
        var id = RuntimeBundle.NewId("sig");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"]);
        (await _cli.RunAsync("create", "--bundle", bundle, id)).ExitCode.Should().Be(0);
        var result = await _cli.RunAsync("kill", id, "SIGNOPE");
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("unknown signal \\\"SIGNOPE\\\"");
        (await _cli.RunAsync("delete", id)).ExitCode.Should().Be(0);
    }

    [Theory]
    [InlineData("frobnicate", "x")]
    [InlineData("create", "--bogus", "x")]
    [InlineData("start")]
    [InlineData("state", "a", "b")]
    public async Task A_malformed_command_line_is_incorrect_usage(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("Incorrect Usage");
    }

    [Fact]
    public async Task The_systemd_cgroup_manager_is_refused_with_the_fix()
    {
        var result = await _cli.RunAsync("--systemd-cgroup", "state", "x");
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("cgroup-manager cgroupfs");
    }

    [Fact]
    public async Task A_systemd_style_cgroups_path_is_refused()
    {
        var id = RuntimeBundle.NewId("slice");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["linux"]!["cgroupsPath"] = "machine.slice:libpod:" + id);
        var result = await _cli.RunAsync("create", "--bundle", bundle, id);
        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("systemd");
        NothingLeftFor(id);
    }

    [Fact]
    public async Task Errors_also_go_to_the_log_file_in_json_as_conmon_reads_them()
    {
        var log = _scratch.Combine("runtime.log");
        var result = await _cli.RunAsync("--log", log, "--log-format=json", "start", "ocirt-missing");
        result.ExitCode.Should().Be(1);
        var line = JsonNode.Parse((await File.ReadAllLinesAsync(log)).Single())!;
        line["level"]!.GetValue<string>().Should().Be("error");
        line["msg"]!.GetValue<string>().Should().Be("container \"ocirt-missing\" does not exist");
        line["time"]!.GetValue<string>().Should().NotBeEmpty();
    }
}
