using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Linux.Storage;
using Containers.Storage;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Storage;

/// <summary>
/// The <see cref="IStorageDriver"/> contract, run against each real driver (containerd's snapshotter suite, adapted):
/// prepare, mount, write, commit, build on it, view, stat, walk, usage, remove; one file per part of the contract.
/// </summary>
public abstract partial class StorageDriverConformanceTests(string driver) : IAsyncLifetime
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
        foreach (var target in Enumerable.Reverse(_mounted))
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

    protected static string ChainId(string text) => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(text)).ToString();

    /// <summary>Prepares a snapshot on <paramref name="parent"/>, lets <paramref name="change"/> write in it, commits it as <paramref name="name"/>.</summary>
    protected async Task<string> LayerAsync(string name, string? parent, Action<string> change)
    {
        var key = "layer-" + Guid.NewGuid().ToString("N");
        var root = Mount(await Driver.PrepareAsync(key, parent));
        try
        {
            change(root);
        }
        finally
        {
            Unmount(root);
        }

        await Driver.CommitAsync(name, key);
        return name;
    }

    /// <summary>Mounts a view of <paramref name="name"/>, returns what <paramref name="look"/> finds in it, then removes the view.</summary>
    protected async Task<T> InViewAsync<T>(string name, Func<string, Task<T>> look)
    {
        var key = "view-" + Guid.NewGuid().ToString("N");
        var root = Mount(await Driver.ViewAsync(key, name));
        try
        {
            return await look(root);
        }
        finally
        {
            Unmount(root);
            await Driver.RemoveAsync(key);
        }
    }

    /// <summary>Lists a tree as lines of path, type and mode, owner, and a regular file's content, sorted.</summary>
    protected static async Task<string> DescribeAsync(string root)
    {
        var listing = await ExternalTool.RunCheckedAsync("find", root, "-mindepth", "1", "-printf", "%P %M %U:%G %l\\n");
        var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[1].StartsWith('-') ? line + " " + File.ReadAllText(Path.Combine(root, line.Split(' ')[0])) : line)
            .Order(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    /// <summary>Stacks one layer per change, checks after each that a view shows what the changes make of a plain directory.</summary>
    protected async Task<string> StackAndCompareAsync(params Action<string>[] changes)
    {
        using var flat = new TempDirectory("snapshot-flat");
        string? parent = null;
        for (var i = 0; i < changes.Length; i++)
        {
            changes[i](flat.Path);
            parent = await LayerAsync(ChainId($"stack-{i}-{Guid.NewGuid()}"), parent, changes[i]);
            var expected = await DescribeAsync(flat.Path);
            (await InViewAsync(parent, DescribeAsync)).Should().Be(expected, $"layer {i} shows what its changes make of the layers below");
        }

        return parent!;
    }

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

public sealed class OverlayStorageDriverConformanceTests() : StorageDriverConformanceTests("overlay");

public sealed class VfsStorageDriverConformanceTests() : StorageDriverConformanceTests("vfs");
