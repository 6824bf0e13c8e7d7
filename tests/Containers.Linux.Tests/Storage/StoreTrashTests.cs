using System.Globalization;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests.Storage;

/// <summary>
/// A removed container's directories leave their places at once and are deleted in the background; nothing of them
/// outlives the engine, and what a killed process left in its trash is deleted at the next engine start.
/// </summary>
public sealed class StoreTrashTests : IDisposable
{
    private readonly TempDirectory _root = new("store-trash");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_removed_container_is_gone_from_its_places_at_once_and_nothing_of_it_outlives_the_engine()
    {
        string id;
        await using (var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path, DefaultNetwork = "none" }, b => b.AddLinuxRuntime()))
        {
            using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
            await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
            var container = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "echo x > /written"] });
            (await engine.Containers.WaitAsync(container.Id)).Should().Be(0);
            id = container.Id;

            await engine.Containers.RemoveAsync(id);

            Directory.Exists(Path.Combine(_root.Path, "containers", id)).Should().BeFalse();
            Directory.Exists(Path.Combine(_root.Path, "storage", "overlay", "containers", id)).Should().BeFalse();
            Directory.Exists(Path.Combine(_root.Path, "storage", "overlay", "snapshots", "ctr-" + id)).Should().BeFalse();
        }

        Trash().Should().BeEmpty("disposing the engine waits until its trash is deleted");
    }

    [Fact]
    public async Task The_trash_of_a_killed_process_is_deleted_at_the_next_start_and_a_live_process_trash_is_kept()
    {
        var dead = Path.Combine(_root.Path, "tmp", $"trash-{UnusedPid()}-12345");
        Directory.CreateDirectory(Path.Combine(dead, "0123", "upper", "etc"));
        await File.WriteAllTextAsync(Path.Combine(dead, "0123", "upper", "etc", "file"), "left by a kill -9");
        var live = Path.Combine(_root.Path, "tmp", $"trash-1-{StartTime(1)}");
        Directory.CreateDirectory(Path.Combine(live, "4567"));

        await using (var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path, DefaultNetwork = "none" }, b => b.AddLinuxRuntime()))
        {
            await engine.RecoverAsync();
        }

        Directory.Exists(dead).Should().BeFalse("its process is gone");
        Directory.Exists(live).Should().BeTrue("its process (pid 1) still runs and is deleting it");
    }

    private IEnumerable<string> Trash() =>
        Directory.Exists(Path.Combine(_root.Path, "tmp")) ? Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "tmp"), "trash-*") : [];

    private static int UnusedPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
            {
                return pid;
            }
        }
    }

    private static ulong StartTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return ulong.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }
}
