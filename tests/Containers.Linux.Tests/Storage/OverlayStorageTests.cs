using Containers.Containers;
using Containers.Hosting;
using Containers.Storage;
using Microsoft.Extensions.DependencyInjection;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests.Storage;

/// <summary>What overlay storage does beyond layer semantics: sharing by chain ID, deep images, pruning and crash recovery.</summary>
public sealed class OverlayStorageTests : IAsyncLifetime
{
    private TestEngine _test = null!;

    private string Layers => Path.Combine(_test.Root, "storage", "overlay", "layers");

    public async Task InitializeAsync()
    {
        _test = TestEngine.Create(b => b.AddLinuxRuntime(o => o.StorageDriver = "overlay"));
        await _test.ImportBusyboxAsync("busybox:latest");
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    private async Task<string> RunAsync(string image, string script)
    {
        var container = await _test.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = image, Command = ["sh", "-c", script] });
        await _test.Engine.Containers.WaitAsync(container.Id);
        var output = string.Concat(await _test.Engine.Containers.LogsAsync(container.Id).Select(e => e.Text).ToListAsync());
        await _test.Engine.Containers.RemoveAsync(container.Id);
        return output;
    }

    [Fact]
    public async Task An_image_of_128_layers_mounts()
    {
        var layers = new List<byte[]> { await TestImages.BusyboxRootfsAsync() };
        for (var i = 1; i < 128; i++)
        {
            layers.Add(TarArchive.Write([new TarArchive.Entry($"layers/{i:D3}", System.Text.Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]));
        }

        await LayeredImages.AddAsync(_test.Engine, "deep:128", layers);

        (await RunAsync("deep:128", "ls /layers | wc -l; cat /layers/127")).Should().Be("127\n127");
        Directory.EnumerateDirectories(Layers).Should().HaveCount(128);
    }

    [Fact]
    public async Task Images_that_share_base_layers_unpack_them_once_and_pruning_keeps_what_is_still_used()
    {
        var basis = await TestImages.BusyboxRootfsAsync();
        var one = TarArchive.Write([new TarArchive.Entry("app/one", "1"u8.ToArray())]);
        var two = TarArchive.Write([new TarArchive.Entry("app/two", "2"u8.ToArray())]);
        await LayeredImages.AddAsync(_test.Engine, "app:one", [basis, one]);
        await LayeredImages.AddAsync(_test.Engine, "app:two", [basis, two]);

        (await RunAsync("app:one", "ls /app")).Should().Be("one\n");
        (await RunAsync("app:two", "ls /app")).Should().Be("two\n");
        (await RunAsync("busybox", "true")).Should().BeEmpty();

        // busybox:latest (its own single layer) + the shared base + one top layer each.
        Directory.EnumerateDirectories(Layers).Should().HaveCount(4);

        await _test.Engine.Images.RemoveAsync("app:one");
        Directory.EnumerateDirectories(Layers).Should().HaveCount(3, "the shared base stays for app:two");
        await _test.Engine.Images.RemoveAsync("app:two");
        Directory.EnumerateDirectories(Layers).Should().HaveCount(1, "only busybox:latest's layer is left");
    }

    [Fact]
    public async Task Two_engines_sharing_a_root_unpack_an_image_at_once_each_layer_exactly_once()
    {
        var layers = new List<byte[]> { await TestImages.BusyboxRootfsAsync() };
        for (var i = 1; i < 6; i++)
        {
            var text = new string((char)('a' + i), 300_000);
            layers.Add(TarArchive.Write([new TarArchive.Entry("layers/", [], System.Formats.Tar.TarEntryType.Directory), new TarArchive.Entry($"layers/{i}", System.Text.Encoding.UTF8.GetBytes(text)), new TarArchive.Entry($".wh.gone{i}", [])]));
        }

        var image = await LayeredImages.AddAsync(_test.Engine, "parallel:1", layers);
        var log = new CountingLoggerProvider();
        void Configure(IContainersBuilder b) => log.AddTo(b.AddLinuxRuntime(o => { o.StorageDriver = "overlay"; o.MaxConcurrentUnpacks = 3; }).Services);
        await using var first = ContainerEngine.Create(new ContainersOptions { Root = _test.Root }, Configure);
        await using var second = ContainerEngine.Create(new ContainersOptions { Root = _test.Root }, Configure);
        var mounter = first.Services.GetRequiredService<IImageMounter>();
        var rootfs = second.Services.GetRequiredService<IContainerRootfs>();

        var mounts = await Task.WhenAll(mounter.MountAsync(image), rootfs.MountAsync("parallel-check", image));
        try
        {
            log.Messages.Count(m => m.StartsWith("Unpacked layer", StringComparison.Ordinal)).Should().Be(6);
            Directory.EnumerateFileSystemEntries(Path.Combine(_test.Root, "storage", "overlay", "staging")).Should().BeEmpty();
            File.ReadAllText(Path.Combine(mounts[0], "layers", "5")).Should().HaveLength(300_000).And.StartWith("f");
            Directory.EnumerateFiles(Path.Combine(mounts[1], "layers")).Should().HaveCount(5);
        }
        finally
        {
            await mounter.UnmountAsync(image);
            await rootfs.RemoveAsync("parallel-check");
        }

        (await RunAsync("parallel:1", "ls /layers | wc -l; test -e /bin/sh && echo base")).Should().Be("5\nbase\n");
    }

    [Fact]
    public async Task A_half_unpacked_layer_left_by_a_crash_is_reclaimed_at_the_next_start()
    {
        var staging = Directory.CreateDirectory(Path.Combine(_test.Root, "storage", "overlay", "staging", new string('a', 64) + ".deadbeef", "diff")).FullName;
        File.WriteAllText(Path.Combine(staging, "partial"), "x");
        var uncommitted = Directory.CreateDirectory(Path.Combine(Layers, new string('b', 64), "diff")).FullName;
        var orphan = Directory.CreateDirectory(Path.Combine(_test.Root, "storage", "overlay", "containers", new string('c', 64), "upper")).FullName;

        var reclaimed = await _test.Engine.RecoverAsync();

        reclaimed.Should().BeGreaterThanOrEqualTo(3);
        Directory.Exists(staging).Should().BeFalse();
        Directory.Exists(uncommitted).Should().BeFalse();
        Directory.Exists(orphan).Should().BeFalse();
        (await RunAsync("busybox", "echo still-works")).Should().Be("still-works\n");
    }

    [Fact]
    public async Task A_containers_writable_layer_is_an_active_snapshot_on_its_images_top_layer()
    {
        var image = await _test.Engine.Images.InspectAsync("busybox:latest");
        var container = await _test.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        await _test.Engine.Containers.WaitAsync(container.Id);
        var driver = _test.Engine.Services.GetRequiredService<IStorageDriver>();
        var top = ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList())[^1].ToString();

        (await driver.WalkAsync().ToListAsync()).Should().Contain(new SnapshotInfo("ctr-" + container.Id, top, SnapshotKind.Active));

        await _test.Engine.Containers.RemoveAsync(container.Id);
        (await driver.WalkAsync().ToListAsync()).Should().NotContain(s => s.Key == "ctr-" + container.Id);
    }

    [Fact]
    public async Task A_stopped_container_keeps_no_mount()
    {
        var container = await _test.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        await _test.Engine.Containers.WaitAsync(container.Id);

        File.ReadAllText("/proc/self/mountinfo").Should().NotContain(container.Id);
        await _test.Engine.Containers.RemoveAsync(container.Id);
        Directory.Exists(Path.Combine(_test.Root, "storage", "overlay", "containers", container.Id)).Should().BeFalse();
    }
}
