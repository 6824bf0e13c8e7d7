using System.Formats.Tar;
using Containers.Containers;
using Containers.Linux.Hosting;
using Containers.Storage;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Storage;

/// <summary>The same layer semantics, checked through real containers, on each storage driver.</summary>
public abstract class StorageDriverTests(string driver) : IAsyncLifetime
{
    private TestEngine _test = null!;

    protected IContainerService Containers => _test.Engine.Containers;

    protected TestEngine Test => _test;

    public async Task InitializeAsync()
    {
        _test = TestEngine.Create(b => b.AddLinuxRuntime(o => o.StorageDriver = driver));
        await _test.ImportBusyboxAsync("busybox:latest");
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    protected async Task<string> RunAsync(string image, string script)
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = image, Command = ["sh", "-c", script] });
        await Containers.WaitAsync(container.Id);
        var output = string.Concat(await Containers.LogsAsync(container.Id).Select(e => e.Text).ToListAsync());
        await Containers.RemoveAsync(container.Id);
        return output;
    }

    protected async Task AddOnBusyboxAsync(string name, params byte[][] layers)
    {
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await LayeredImages.AddAsync(_test.Engine, name, [rootfs.ToArray(), .. layers]);
    }

    private static TarArchive.Entry File(string name, string text = "x") => new(name, System.Text.Encoding.UTF8.GetBytes(text));

    private static TarArchive.Entry Dir(string name) => new(name, [], TarEntryType.Directory);

    [Fact]
    public async Task Whiteouts_delete_and_opaque_directories_hide_lower_content_wherever_the_marker_stands()
    {
        var lower = TarArchive.Write([Dir("a/"), File("a/x"), File("a/y"), Dir("b/"), File("b/z"), File("keep"), File("gone")]);
        var markerLast = TarArchive.Write([Dir("a/"), File("a/new"), File("a/.wh..wh..opq", ""), File("b/.wh.z", ""), File(".wh.gone", "")]);
        var markerFirst = TarArchive.Write([Dir("a/"), File("a/.wh..wh..opq", ""), File("a/new")]);
        await AddOnBusyboxAsync("wh-last:1", lower, markerLast);
        await AddOnBusyboxAsync("wh-first:1", lower, markerFirst);

        (await RunAsync("wh-last:1", "ls -A /a /b; test -e /keep && echo keep; test -e /gone || echo gone")).Should().Be("/a:\nnew\n\n/b:\nkeep\ngone\n");
        (await RunAsync("wh-first:1", "ls -A /a")).Should().Be("new\n");
    }

    [Fact]
    public async Task Links_devices_fifos_ownership_modes_and_times_survive_unpacking()
    {
        var time = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var layer = TarArchive.Write(
        [
            new TarArchive.Entry("data/file", "hello"u8.ToArray()) { Mode = (UnixFileMode)0xDED, Uid = 1000, Gid = 1000, Time = time },
            new TarArchive.Entry("data/hard", [], TarEntryType.HardLink, "data/file"),
            new TarArchive.Entry("data/soft", [], TarEntryType.SymbolicLink, "file"),
            new TarArchive.Entry("data/null", [], TarEntryType.CharacterDevice) { DeviceMajor = 1, DeviceMinor = 3 },
            new TarArchive.Entry("data/fifo", [], TarEntryType.Fifo),
            new TarArchive.Entry("data/sticky/", [], TarEntryType.Directory) { Mode = (UnixFileMode)0x3FF | UnixFileMode.StickyBit },
        ]);
        await AddOnBusyboxAsync("kinds:1", layer);

        var output = await RunAsync("kinds:1", "cd /data; stat -c '%n %A %u:%g %h' file hard soft null fifo sticky; readlink soft; cat hard; date -u -r file +%Y");

        output.Should().Be(
            "file -rwsr-sr-x 1000:1000 2\nhard -rwsr-sr-x 1000:1000 2\nsoft lrwxrwxrwx 0:0 1\nnull crw-r--r-- 0:0 1\nfifo prw-r--r-- 0:0 1\nsticky drwxrwxrwt 0:0 2\nfile\nhello2020\n");
    }

    [Fact]
    public async Task Each_container_writes_to_its_own_layer()
    {
        var first = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "echo mine > /etc/owned; rm /etc/group"] });
        await Containers.WaitAsync(first.Id);

        (await RunAsync("busybox", "cat /etc/owned 2>&1; test -f /etc/group && echo group-intact")).Should().Be("cat: can't open '/etc/owned': No such file or directory\ngroup-intact\n");

        await Containers.StartAsync(first.Id);
        await Containers.WaitAsync(first.Id);
        await Containers.RemoveAsync(first.Id);
    }

    [Fact]
    public async Task Directories_a_layer_only_implies_keep_the_owner_and_mode_they_have_below()
    {
        var lower = TarArchive.Write([new TarArchive.Entry("home/user/", [], TarEntryType.Directory) { Uid = 1000, Gid = 1001, Mode = (UnixFileMode)0x1E8 }]);
        var upper = TarArchive.Write([File("home/user/file", "mine"), File("fresh/deep/file", "new")]);
        await AddOnBusyboxAsync("implied:1", lower, upper);

        (await RunAsync("implied:1", "stat -c '%u:%g %a' /home/user /fresh/deep; cat /home/user/file /fresh/deep/file"))
            .Should().Be("1000:1001 750\n0:0 755\nminenew");
    }

    [Fact]
    public async Task A_hard_link_to_a_file_of_a_lower_layer_works()
    {
        var lower = TarArchive.Write([Dir("data/"), File("data/original", "shared")]);
        var upper = TarArchive.Write([new TarArchive.Entry("data/link", [], TarEntryType.HardLink, "data/original"), File("data/other", "o")]);
        await AddOnBusyboxAsync("lowerlink:1", lower, upper);

        (await RunAsync("lowerlink:1", "cat /data/link /data/original /data/other")).Should().Be("sharedsharedo");
    }

    [Fact]
    public async Task A_binary_file_capability_written_by_GNU_tar_survives_byte_for_byte()
    {
        using var scratch = new TempDirectory("capability");
        var source = Directory.CreateDirectory(scratch.Combine("source")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "opt"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(source, "opt/ping"), "elf");

        // cap_setfcap is bit 31: the stored value has a byte over 0x7F, which a UTF-8 decoding of PAX values corrupts.
        await ExternalTool.RunCheckedAsync("setcap", "cap_setfcap,cap_net_raw+ep", Path.Combine(source, "opt/ping"));
        var layer = scratch.Combine("layer.tar");
        await ExternalTool.RunCheckedAsync("tar", "--xattrs", "--xattrs-include=*", "--format=posix", "-C", source, "-cf", layer, "opt");
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        var image = await LayeredImages.AddAsync(_test.Engine, "capability:1", [rootfs.ToArray(), await System.IO.File.ReadAllBytesAsync(layer)]);
        var storage = _test.Engine.Services.GetRequiredService<IContainerRootfs>();

        var root = await storage.MountAsync("capability-check", image);
        try
        {
            var attribute = await ExternalTool.RunCheckedAsync("getfattr", "--only-values", "-e", "hex", "-n", "security.capability", Path.Combine(root, "opt/ping"));
            attribute.Should().Be(await ExternalTool.RunCheckedAsync("getfattr", "--only-values", "-e", "hex", "-n", "security.capability", Path.Combine(source, "opt/ping")));
            (await GnuTarLayers.GetCapAsync(Path.Combine(root, "opt/ping"))).Should().Be("cap_net_raw,cap_setfcap=ep");
        }
        finally
        {
            await storage.RemoveAsync("capability-check");
        }
    }

    [Fact]
    public async Task A_layer_that_does_not_match_its_diff_id_is_refused()
    {
        var image = await _test.ImportBusyboxAsync("tampered:1", extraFiles: new Dictionary<string, string> { ["etc/t"] = "1" });
        var blob = Path.Combine(_test.Root, "content", "blobs", "sha256", image.Layers[0].Descriptor.Digest.Encoded);
        var bytes = await System.IO.File.ReadAllBytesAsync(blob);
        bytes[600] ^= 0xFF; // inside the first file's data, so the tar stays readable
        await System.IO.File.WriteAllBytesAsync(blob, bytes);

        var act = () => Containers.RunAsync(new ContainerCreateOptions { Image = "tampered:1", Command = ["true"] });

        await act.Should().ThrowAsync<Images.DigestMismatchException>();
    }
}

public sealed class OverlayDriverTests() : StorageDriverTests("overlay")
{
    [Fact]
    public async Task Commit_turns_a_containers_changes_into_a_layer_with_whiteouts()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "echo made > /etc/made; rm /etc/group; mkdir -p /data/sub; echo x > /data/sub/f; rm -r /tmp; mkdir /tmp; touch /tmp/fresh"],
        });
        (await Containers.WaitAsync(container.Id)).Should().Be(0);

        var image = await Containers.CommitAsync(container.Id, new CommitOptions { Reference = "committed:1", Message = "snapshot", Changes = ["CMD [\"cat\", \"/etc/made\"]"] });

        image.Layers.Should().HaveCount(2);
        image.Configuration.History!.Last().Comment.Should().Be("snapshot");
        var check = await Containers.RunAsync(new ContainerCreateOptions { Image = "committed:1", Command = ["sh", "-c", "cat /etc/made; test -e /etc/group || echo group-gone; cat /data/sub/f; ls -A /tmp"] });
        await Containers.WaitAsync(check.Id);
        string.Concat(await Containers.LogsAsync(check.Id).Select(e => e.Text).ToListAsync()).Should().Be("made\ngroup-gone\nx\nfresh\n");
        await Containers.RemoveAsync(check.Id);
        await Containers.RemoveAsync(container.Id);
    }
}

public sealed class VfsDriverTests() : StorageDriverTests("vfs")
{
    [Fact]
    public async Task An_images_layers_are_imported_once_as_snapshots_and_pruned_with_the_image()
    {
        var driver = Test.Engine.Services.GetRequiredService<IStorageDriver>();
        await AddOnBusyboxAsync("two-layers:1", TarArchive.Write([new TarArchive.Entry("app/one", "1"u8.ToArray())]));
        var image = await Test.Engine.Images.InspectAsync("two-layers:1");
        var chain = ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList()).Select(c => c.ToString()).ToList();

        (await RunAsync("two-layers:1", "cat /app/one; echo mine > /app/one")).Should().Be("1");
        (await RunAsync("two-layers:1", "cat /app/one")).Should().Be("1", "each container writes to its own copy");
        var committed = await driver.WalkAsync().Where(s => s.Kind == SnapshotKind.Committed).ToListAsync();
        committed.Select(s => s.Key).Should().BeEquivalentTo(chain, "each layer is imported once, whatever the number of containers");
        committed.Should().ContainSingle(s => s.Key == chain[1]).Which.Parent.Should().Be(chain[0]);

        await Test.Engine.Images.RemoveAsync("two-layers:1");

        (await driver.WalkAsync().Select(s => s.Key).ToListAsync()).Should().NotContain(chain[1]);
    }

    [Fact]
    public async Task The_writable_layer_of_a_container_that_no_longer_exists_is_reclaimed_at_the_next_start()
    {
        var orphan = Directory.CreateDirectory(Path.Combine(Test.Root, "storage", "vfs", "snapshots", "ctr-" + new string('c', 64), "fs")).Parent!.FullName;
        await System.IO.File.WriteAllTextAsync(Path.Combine(orphan, "kind"), "Active");
        await System.IO.File.WriteAllTextAsync(Path.Combine(orphan, "parent"), string.Empty);

        (await Test.Engine.RecoverAsync()).Should().BeGreaterThanOrEqualTo(1);

        Directory.Exists(orphan).Should().BeFalse();
    }

    [Fact]
    public async Task A_container_root_copied_before_vfs_used_snapshots_is_still_used_and_removed()
    {
        var image = await Test.Engine.Images.InspectAsync("busybox:latest");
        var legacy = Directory.CreateDirectory(Path.Combine(Test.Root, "storage", "vfs", "containers", "legacy-1", "rootfs")).FullName;
        var rootfs = Test.Engine.Services.GetRequiredService<IContainerRootfs>();

        (await rootfs.MountAsync("legacy-1", image)).Should().Be(legacy);

        await rootfs.RemoveAsync("legacy-1");
        Directory.Exists(legacy).Should().BeFalse();
    }

    [Fact]
    public async Task Commit_on_vfs_keeps_what_the_container_added_and_removed()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "echo kept > /added && rm /bin/vi"] });
        (await Containers.WaitAsync(container.Id)).Should().Be(0);
        var image = await Containers.CommitAsync(container.Id, new CommitOptions());
        await Containers.RemoveAsync(container.Id);
        var check = await Containers.RunAsync(new ContainerCreateOptions { Image = image.Id.ToString(), Command = ["sh", "-c", "grep -q kept /added && test ! -e /bin/vi"] });
        (await Containers.WaitAsync(check.Id)).Should().Be(0);
        await Containers.RemoveAsync(check.Id);
    }
}
