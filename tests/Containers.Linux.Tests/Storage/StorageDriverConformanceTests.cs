using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Linux.Storage;
using Containers.Storage;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Storage;

/// <summary>The <see cref="IStorageDriver"/> contract, run against each driver: prepare, mount, write, commit, build on it, view, walk, remove.</summary>
public abstract class StorageDriverConformanceTests(string driver) : IAsyncLifetime
{
    private readonly TempDirectory _mounts = new("snapshot-mounts");
    private readonly List<string> _mounted = [];
    private TestEngine _test = null!;

    protected IStorageDriver Driver => _test.Engine.Services.GetRequiredService<IStorageDriver>();

    protected TestEngine Test => _test;

    public async Task InitializeAsync()
    {
        _test = TestEngine.Create(b => b.AddLinuxRuntime(o => o.StorageDriver = driver));
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var target in _mounted)
        {
            OverlayMount.Unmount(target);
        }

        await _test.DisposeAsync();
        _mounts.Dispose();
    }

    protected string Mount(IReadOnlyList<StorageMount> mounts)
    {
        var target = Directory.CreateDirectory(_mounts.Combine(Guid.NewGuid().ToString("N"))).FullName;
        StorageMounts.Mount(mounts, target);
        _mounted.Add(target);
        return target;
    }

    protected static void Unmount(string target) => OverlayMount.Unmount(target);

    private static string ChainId(string text) => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(text)).ToString();

    [Fact]
    public async Task Snapshots_prepared_written_and_committed_stack_up_and_views_show_them()
    {
        Driver.Name.Should().Be(driver);
        var basis = ChainId("base");
        var top = ChainId("top");

        var root = Mount(await Driver.PrepareAsync("base-rw", null));
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "a"), "a");
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "gone"), "x");
        Unmount(root);
        await Driver.CommitAsync(basis, "base-rw");

        var child = Mount(await Driver.PrepareAsync("child-rw", basis));
        (await File.ReadAllTextAsync(Path.Combine(child, "etc", "a"))).Should().Be("a");
        File.Delete(Path.Combine(child, "etc", "gone"));
        await File.WriteAllTextAsync(Path.Combine(child, "etc", "b"), "bb");
        Unmount(child);
        await Driver.CommitAsync(top, "child-rw");

        var view = Mount(await Driver.ViewAsync("look", top));
        Directory.EnumerateFiles(Path.Combine(view, "etc")).Select(Path.GetFileName).Order().Should().Equal("a", "b");
        var write = () => File.WriteAllText(Path.Combine(view, "etc", "c"), "c");
        write.Should().Throw<IOException>("a view is read-only");
        Unmount(view);
        var again = Mount(await Driver.MountsAsync("look"));
        File.Exists(Path.Combine(again, "etc", "b")).Should().BeTrue();
        Unmount(again);

        var snapshots = await Driver.WalkAsync().ToListAsync();
        snapshots.Should().BeEquivalentTo(
        [
            new SnapshotInfo(basis, null, SnapshotKind.Committed),
            new SnapshotInfo(top, basis, SnapshotKind.Committed),
            new SnapshotInfo("look", top, SnapshotKind.View),
        ]);
        (await Driver.UsageAsync(top)).Size.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_parent_is_removed_only_after_its_children()
    {
        var basis = ChainId("parent");
        Mount(await Driver.PrepareAsync("p", null)).Should().NotBeNull();
        Unmount(_mounted[^1]);
        await Driver.CommitAsync(basis, "p");
        await Driver.PrepareAsync("kid", basis);

        var early = () => Driver.RemoveAsync(basis);
        await early.Should().ThrowAsync<InvalidOperationException>().WithMessage("*kid*");

        await Driver.RemoveAsync("kid");
        await Driver.RemoveAsync(basis);
        await Driver.RemoveAsync("never-existed");
        (await Driver.WalkAsync().ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_keys_parents_and_states_are_refused_with_typed_errors()
    {
        await Driver.PrepareAsync("taken", null);

        await FluentActions.Awaiting(() => Driver.PrepareAsync("x", ChainId("nothing"))).Should().ThrowAsync<SnapshotNotFoundException>();
        await FluentActions.Awaiting(() => Driver.PrepareAsync("taken", null)).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => Driver.PrepareAsync("../escape", null)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => Driver.MountsAsync("missing")).Should().ThrowAsync<SnapshotNotFoundException>();
        await Driver.ViewAsync("a-view", null);
        await FluentActions.Awaiting(() => Driver.CommitAsync(ChainId("v"), "a-view")).Should().ThrowAsync<SnapshotNotFoundException>();
        await FluentActions.Awaiting(() => Driver.CommitAsync("not-a-digest", "taken")).Should().ThrowAsync<InvalidDigestException>();
        (await Driver.WalkAsync().Select(s => s.Key).ToListAsync()).Should().BeEquivalentTo(["taken", "a-view"]);
    }
}

public sealed class OverlayStorageDriverConformanceTests() : StorageDriverConformanceTests("overlay")
{
    [Fact]
    public async Task An_images_unpacked_layers_are_committed_snapshots_to_build_on()
    {
        var image = await Test.ImportBusyboxAsync("busybox:latest");
        await Test.Engine.Services.GetRequiredService<IImageMounter>().MountAsync(image);
        await Test.Engine.Services.GetRequiredService<IImageMounter>().UnmountAsync(image);
        var top = global::Containers.Storage.ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList())[^1].ToString();

        (await Driver.WalkAsync().ToListAsync()).Should().ContainSingle(s => s.Key == top && s.Kind == SnapshotKind.Committed);
        var root = Mount(await Driver.PrepareAsync("build-step", top));
        File.Exists(Path.Combine(root, "bin", "sh")).Should().BeTrue();
    }
}

public sealed class VfsStorageDriverConformanceTests() : StorageDriverConformanceTests("vfs");
