using System.Buffers.Binary;
using Containers.Linux.Native;
using Containers.Linux.Runtime;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>
/// The spawn helper's in-root mounts, driven with hand-made plans: the kernel resolves the target inside the root, so a
/// link planted after the engine checked the path (a running container sharing a volume can do that) cannot move the
/// mount onto the host.
/// </summary>
public sealed class MountInRootTests : IDisposable
{
    private const ulong CloneNewNs = 0x20000;
    private const ulong MsRec = 0x4000, MsSlave = 1 << 19;

    private readonly TempDirectory _root = new("mount-root");
    private readonly TempDirectory _host = new("mount-host");

    [Fact]
    public async Task An_absolute_link_planted_at_the_target_resolves_inside_the_root()
    {
        // The attack's end state: the engine planned a mount at /data/x, and x is now a link to a host directory.
        Directory.CreateDirectory(_root.Combine("data"));
        Directory.CreateDirectory(_root.Combine(_host.Path.TrimStart('/')));
        File.CreateSymbolicLink(_root.Combine("data", "x"), _host.Path);

        var exit = await RunAsync(
            SpawnStep.MountInRoot("tmpfs", _root.Path, "/data/x", "tmpfs", 0, "size=64k", "mount of /data/x"),
            $"mountpoint -q {_host.Path} && exit 7; mountpoint -q {_root.Combine(_host.Path.TrimStart('/'))} && exit 0; exit 9");

        exit.Should().Be(0, "the mount landed on the root's own copy of the path, not on the host's (exit 7)");
    }

    [Fact]
    public async Task Dot_dot_components_stop_at_the_root()
    {
        Directory.CreateDirectory(_root.Combine("tmp"));
        File.CreateSymbolicLink(_root.Combine("escape"), "../../../../../../" + _host.Path.TrimStart('/'));
        Directory.CreateDirectory(_root.Combine(_host.Path.TrimStart('/')));

        var exit = await RunAsync(
            SpawnStep.MountInRoot("tmpfs", _root.Path, "/escape", "tmpfs", 0, "size=64k", "mount of /escape"),
            $"mountpoint -q {_host.Path} && exit 7; mountpoint -q {_root.Combine(_host.Path.TrimStart('/'))} && exit 0; exit 9");

        exit.Should().Be(0);
    }

    [Fact]
    public async Task The_same_plan_by_path_follows_the_link_out_which_is_what_in_root_mounting_prevents()
    {
        Directory.CreateDirectory(_root.Combine("data"));
        File.CreateSymbolicLink(_root.Combine("data", "x"), _host.Path);

        var exit = await RunAsync(
            SpawnStep.Mount("tmpfs", _root.Combine("data", "x"), "tmpfs", 0, "size=64k", "mount of /data/x by path"),
            $"mountpoint -q {_host.Path} && exit 7; exit 0");

        exit.Should().Be(7, "a plain mount(2) follows the link to the host, in the child's own mount namespace");
    }

    public void Dispose()
    {
        _root.Dispose();
        _host.Dispose();
    }

    /// <summary>Runs a mount step in a fresh mount namespace, then a shell script; returns the script's exit code.</summary>
    private static async Task<int> RunAsync(SpawnStep mount, string script)
    {
        var plan = new SpawnPlan
        {
            CloneFlags = CloneNewNs,
            Steps = [SpawnStep.Mount(null, "/", null, MsSlave | MsRec, null, "making / private"), mount],
            ExecutablePath = "/bin/sh",
            Arguments = ["sh", "-c", script],
            Environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
        };
        using var report = Pipe.Create();
        var pid = await Spawner.RunAsync(() =>
        {
            using var buffer = new NativePlanBuffer(plan, -1, report.WriteFd, -1);
            unsafe
            {
                return NativeMethods.Spawn(buffer.Plan);
            }
        });
        pid.Should().BeGreaterThan(0);
        var exit = Reaper.WaitAsync(pid);
        report.CloseWrite();
        using var reader = report.TakeReader();
        var record = new byte[12];
        var read = await reader.ReadAtLeastAsync(record, 12, throwOnEndOfStream: false);
        if (read == 12 && BinaryPrimitives.ReadInt32LittleEndian(record) == 2)
        {
            var step = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(4));
            var errno = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(8));
            await exit;
            throw new InvalidOperationException($"{plan.Describe(step)} failed with errno {errno}");
        }

        return await exit;
    }
}
