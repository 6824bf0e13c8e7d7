using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>
/// <c>state</c>, <c>start</c> and <c>delete</c> (without --force) on a container in each status, ours against runc:
/// the same status and pid rule, the same errors, and a refused delete has no effect.
/// </summary>
public sealed class StatusTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-status");
    private readonly RuncPair _pair;

    public StatusTests() => _pair = new RuncPair(_scratch);

    public void Dispose()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    private async Task<JsonNode?> StateAsync(Side side, bool ours)
    {
        var result = ours ? await _pair.Ours.RunAsync("state", side.Id) : await _pair.Runc.RunAsync("state", side.Id);
        return result.ExitCode == 0 ? JsonNode.Parse(result.Stdout) : null;
    }

    private async Task<PairedContainer> InStatusAsync(string status)
    {
        var container = await _pair.BundleAsync(status, [status == "stopped" ? "true" : "sleep", "1000"]);
        var command = status == "created" ? "create" : "run";
        string[] args = command == "run" ? ["run", "--detach", "--bundle", "{bundle}", "{id}"] : ["create", "--bundle", "{bundle}", "{id}"];
        var (ours, runc) = await _pair.RunAsync(container, args);
        (ours.ExitCode, runc.ExitCode).Should().Be((0, 0), ours.Stderr + runc.Stderr);
        if (status == "paused")
        {
            (ours, runc) = await _pair.RunAsync(container, "pause", "{id}");
            (ours.ExitCode, runc.ExitCode).Should().Be((0, 0), ours.Stderr + runc.Stderr);
        }

        await Eventually.UntilAsync(async () => (await StateAsync(container.Ours, ours: true))?["status"]?.GetValue<string>() == status, $"ours to be {status}");
        await Eventually.UntilAsync(async () => (await StateAsync(container.Runc, ours: false))?["status"]?.GetValue<string>() == status, $"runc's to be {status}");
        return container;
    }

    [Theory]
    [InlineData("created")]
    [InlineData("running")]
    [InlineData("paused")]
    [InlineData("stopped")]
    public async Task State_start_and_delete_behave_as_in_runc(string status)
    {
        var container = await InStatusAsync(status);
        var ours = (await StateAsync(container.Ours, ours: true))!.AsObject();
        var runc = (await StateAsync(container.Runc, ours: false))!.AsObject();
        ours.Select(p => p.Key).Except(["annotations"]).Should().BeEquivalentTo(runc.Select(p => p.Key).Except(["annotations"]));
        ours["ociVersion"]!.GetValue<string>().Should().Be(runc["ociVersion"]!.GetValue<string>(), "both report the bundle's version");
        ours["rootfs"]!.GetValue<string>().Should().Be(Path.Combine(container.Ours.Bundle, "rootfs"));
        (ours["pid"]!.GetValue<int>() == 0).Should().Be(runc["pid"]!.GetValue<int>() == 0).And.Be(status == "stopped");

        if (status != "created")
        {
            var (oursStart, runcStart) = await _pair.RunAsync(container, "start", "{id}");
            runcStart.ExitCode.Should().Be(1);
            oursStart.ExitCode.Should().Be(1);
            UpdateTests.Message(oursStart.Stderr).Should().Be(UpdateTests.Message(runcStart.Stderr));
        }

        var (oursDelete, runcDelete) = await _pair.RunAsync(container, "delete", "{id}");
        oursDelete.ExitCode.Should().Be(runcDelete.ExitCode, $"runc: {runcDelete.Stderr}, ours: {oursDelete.Stderr}");
        if (runcDelete.ExitCode == 0)
        {
            (await StateAsync(container.Ours, ours: true)).Should().BeNull("a deleted container is gone");
            container.Ours.CgroupDirectories().Should().BeEmpty();
            container.Runc.CgroupDirectories().Should().BeEmpty();
            Directory.Exists(Path.Combine(_pair.Ours.StateRoot, container.Ours.Id)).Should().BeFalse();
        }
        else
        {
            UpdateTests.Message(oursDelete.Stderr).Should().Be(UpdateTests.Message(runcDelete.Stderr).Replace(container.Runc.Id, container.Ours.Id, StringComparison.Ordinal));
            (await StateAsync(container.Ours, ours: true))!["status"]!.GetValue<string>().Should().Be(status, "a refused delete has no effect");
            (await StateAsync(container.Runc, ours: false))!["status"]!.GetValue<string>().Should().Be(status);
            container.Ours.CgroupDirectories().Should().NotBeEmpty();
        }

        (oursDelete, runcDelete) = await _pair.RunAsync(container, "delete", "--force", "{id}");
        (oursDelete.ExitCode, runcDelete.ExitCode).Should().Be((0, 0), oursDelete.Stderr + runcDelete.Stderr);
        (await StateAsync(container.Ours, ours: true)).Should().BeNull();
        container.Ours.CgroupDirectories().Should().BeEmpty();
    }
}
