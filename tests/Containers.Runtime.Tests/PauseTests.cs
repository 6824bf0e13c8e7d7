using System.Text.Json;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>pause, resume and ps through the real executable: the freezer stops the whole container and state says so.</summary>
public sealed class PauseTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-pause");
    private readonly RuntimeCli _cli;

    public PauseTests() => _cli = new RuntimeCli(_scratch);

    public void Dispose()
    {
        _cli.Dispose();
        _scratch.Dispose();
    }

    private async Task<string> StatusAsync(string id) =>
        JsonDocument.Parse((await _cli.RunAsync("state", id)).Stdout).RootElement.GetProperty("status").GetString()!;

    [Fact]
    public async Task Pause_freezes_resume_thaws_ps_lists_and_a_paused_container_can_be_force_deleted()
    {
        var id = RuntimeBundle.NewId("pause");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "sleep 1000 & while true; do echo tick; sleep 0.2; done"]);
        var run = await _cli.RunAsync("run", "--detach", "--bundle", bundle, id);
        run.ExitCode.Should().Be(0, run.Stderr);
        (await _cli.RunAsync("resume", id)).Stderr.Should().Contain("container not paused");

        var pause = await _cli.RunAsync("pause", id);
        pause.ExitCode.Should().Be(0, pause.Stderr);
        (await StatusAsync(id)).Should().Be("paused");
        var frozen = new FileInfo(run.StdoutPath).Length;
        await Task.Delay(1000);
        new FileInfo(run.StdoutPath).Length.Should().Be(frozen, "a frozen container prints nothing");

        var ps = await _cli.RunAsync("ps", "--format", "json", id);
        ps.ExitCode.Should().Be(0, ps.Stderr);
        JsonDocument.Parse(ps.Stdout).RootElement.GetArrayLength().Should().BeGreaterThanOrEqualTo(2, "the shell, its sleep and its ticker all count");

        var resume = await _cli.RunAsync("resume", id);
        resume.ExitCode.Should().Be(0, resume.Stderr);
        (await StatusAsync(id)).Should().Be("running");
        await Eventually.UntilAsync(() => Task.FromResult(new FileInfo(run.StdoutPath).Length > frozen), "output after resume");

        (await _cli.RunAsync("pause", id)).ExitCode.Should().Be(0);
        var delete = await _cli.RunAsync("delete", "--force", id);
        delete.ExitCode.Should().Be(0, delete.Stderr);
        Directory.Exists(Path.Combine(_cli.StateRoot, id)).Should().BeFalse();
        RuntimeBundle.CgroupExists(id).Should().BeFalse();
    }
}
