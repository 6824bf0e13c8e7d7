using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Storage;

/// <summary>The lifecycle part of the contract: kinds, parents, keys, commit, remove, walk and stat, concurrency.</summary>
public abstract partial class StorageDriverConformanceTests
{
    [Fact]
    public async Task Stat_tells_an_active_snapshot_and_after_the_commit_only_the_committed_one()
    {
        var root = Mount(await Driver.PrepareAsync("preparing", null));
        await File.WriteAllTextAsync(Path.Combine(root, "foo"), "foo");

        (await Driver.StatAsync("preparing")).Should().Be(new SnapshotInfo("preparing", null, SnapshotKind.Active));
        Unmount(root);
        var committed = ChainId("stat-committed");
        await Driver.CommitAsync(committed, "preparing");

        (await Driver.StatAsync(committed)).Should().Be(new SnapshotInfo(committed, null, SnapshotKind.Committed));
        await FluentActions.Awaiting(() => Driver.StatAsync("preparing")).Should().ThrowAsync<SnapshotNotFoundException>("the active key is gone after the commit");
        await FluentActions.Awaiting(() => Driver.MountsAsync("preparing")).Should().ThrowAsync<SnapshotNotFoundException>();
        await FluentActions.Awaiting(() => Driver.StatAsync(ChainId("never"))).Should().ThrowAsync<SnapshotNotFoundException>();
    }

    [Fact]
    public async Task Parents_chain_transitively()
    {
        var a = await LayerAsync(ChainId("A"), null, r => File.WriteAllText(Path.Combine(r, "foo"), "foo"));
        var b = await LayerAsync(ChainId("B"), a, r => File.WriteAllText(Path.Combine(r, "foo"), "foo bar"));
        await Driver.PrepareAsync("c", b);

        var c = await Driver.StatAsync("c");
        var parent = await Driver.StatAsync(c.Parent!);
        var grandparent = await Driver.StatAsync(parent.Parent!);

        (c.Parent, parent.Parent, grandparent.Parent).Should().Be((b, a, (string?)null));
        (await InViewAsync(b, r => File.ReadAllTextAsync(Path.Combine(r, "foo")))).Should().Be("foo bar");
    }

    [Fact]
    public async Task A_key_in_use_is_refused_to_prepare_and_view_alike()
    {
        var a = await LayerAsync(ChainId("prepare-view"), null, _ => { });

        await Driver.PrepareAsync("new-layer", a);
        await FluentActions.Awaiting(() => Driver.ViewAsync("new-layer", a)).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => Driver.PrepareAsync("new-layer", a)).Should().ThrowAsync<InvalidOperationException>();
        await Driver.ViewAsync("view-layer", a);
        await FluentActions.Awaiting(() => Driver.ViewAsync("view-layer", a)).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => Driver.PrepareAsync("view-layer", null)).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task A_removed_key_or_name_can_be_used_again()
    {
        var committed = await LayerAsync(ChainId("reuse"), null, _ => { });
        await Driver.PrepareAsync("reuse-1", committed);
        await Driver.RemoveAsync("reuse-1");
        await Driver.ViewAsync("reuse-1", committed);
        await Driver.RemoveAsync("reuse-1");
        await Driver.PrepareAsync("reuse-1", null);
        await Driver.RemoveAsync(committed);

        await Driver.CommitAsync(committed, "reuse-1");

        (await Driver.WalkAsync().ToListAsync()).Should().Equal(new SnapshotInfo(committed, null, SnapshotKind.Committed));
    }

    [Fact]
    public async Task Committing_twice_is_refused_and_keeps_the_first_commit()
    {
        var name = ChainId("twice");
        var first = Mount(await Driver.PrepareAsync("first", null));
        await File.WriteAllTextAsync(Path.Combine(first, "which"), "first");
        Unmount(first);
        await Driver.PrepareAsync("second", null);
        await Driver.CommitAsync(name, "first");

        await FluentActions.Awaiting(() => Driver.CommitAsync(ChainId("again"), "first")).Should().ThrowAsync<SnapshotNotFoundException>("the key was committed already");
        await FluentActions.Awaiting(() => Driver.CommitAsync(name, "second")).Should().ThrowAsync<InvalidOperationException>("the name is taken");

        (await Driver.StatAsync("second")).Kind.Should().Be(SnapshotKind.Active, "a refused commit leaves the active snapshot as it was");
        (await InViewAsync(name, r => File.ReadAllTextAsync(Path.Combine(r, "which")))).Should().Be("first");
    }

    [Fact]
    public async Task Only_committed_snapshots_are_parents()
    {
        await Driver.PrepareAsync("active", null);
        await Driver.ViewAsync("view", null);

        await FluentActions.Awaiting(() => Driver.PrepareAsync("on-active", "active")).Should().ThrowAsync<SnapshotNotFoundException>();
        await FluentActions.Awaiting(() => Driver.ViewAsync("on-view", "view")).Should().ThrowAsync<SnapshotNotFoundException>();
        await FluentActions.Awaiting(() => Driver.CommitAsync(ChainId("of-missing"), "missing")).Should().ThrowAsync<SnapshotNotFoundException>();
        await FluentActions.Awaiting(() => Driver.UsageAsync("missing")).Should().ThrowAsync<SnapshotNotFoundException>();
    }

    [Fact]
    public async Task Removing_an_intermediate_layer_is_refused_until_the_top_is_gone()
    {
        var basis = await LayerAsync(ChainId("committed-base"), null, _ => { });
        var middle = await LayerAsync(ChainId("committed-inter"), basis, _ => { });
        await Driver.ViewAsync("top", middle);

        await FluentActions.Awaiting(() => Driver.RemoveAsync(middle)).Should().ThrowAsync<InvalidOperationException>().WithMessage("*top*");
        await FluentActions.Awaiting(() => Driver.RemoveAsync(basis)).Should().ThrowAsync<InvalidOperationException>();

        await Driver.RemoveAsync("top");
        await Driver.RemoveAsync(middle);
        await Driver.RemoveAsync(basis);
        (await Driver.WalkAsync().ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Walk_lists_every_kind_with_its_parent_and_agrees_with_stat()
    {
        var c1 = await LayerAsync(ChainId("c1"), null, _ => { });
        var c2 = await LayerAsync(ChainId("c2"), c1, _ => { });
        await Driver.PrepareAsync("a1", c2);
        await Driver.PrepareAsync("a2", null);
        await Driver.ViewAsync("v1", c2);
        await Driver.ViewAsync("v2", null);

        var walked = await Driver.WalkAsync().ToListAsync();

        walked.Should().BeEquivalentTo(
        [
            new SnapshotInfo(c1, null, SnapshotKind.Committed),
            new SnapshotInfo(c2, c1, SnapshotKind.Committed),
            new SnapshotInfo("a1", c2, SnapshotKind.Active),
            new SnapshotInfo("a2", null, SnapshotKind.Active),
            new SnapshotInfo("v1", c2, SnapshotKind.View),
            new SnapshotInfo("v2", null, SnapshotKind.View),
        ]);
        foreach (var snapshot in walked)
        {
            (await Driver.StatAsync(snapshot.Key)).Should().Be(snapshot);
        }
    }

    [Fact]
    public async Task An_active_snapshot_keeps_its_content_between_mounts()
    {
        var basis = await LayerAsync(ChainId("remount"), null, r => File.WriteAllText(Path.Combine(r, "lower"), "l"));
        var first = Mount(await Driver.PrepareAsync("remounted", basis));
        await File.WriteAllTextAsync(Path.Combine(first, "upper"), "u");
        File.Delete(Path.Combine(first, "lower"));
        Unmount(first);

        var second = Mount(await Driver.MountsAsync("remounted"));

        Directory.EnumerateFileSystemEntries(second).Select(Path.GetFileName).Should().Equal("upper");
        (await File.ReadAllTextAsync(Path.Combine(second, "upper"))).Should().Be("u");
    }

    [Fact]
    public async Task Concurrent_prepares_of_one_key_let_exactly_one_win()
    {
        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(() => Driver.PrepareAsync("contended", null))).ToList();

        await FluentActions.Awaiting(() => Task.WhenAll(attempts)).Should().ThrowAsync<InvalidOperationException>();

        attempts.Count(t => t.IsCompletedSuccessfully).Should().Be(1);
        attempts.Where(t => t.IsFaulted).Should().OnlyContain(t => t.Exception!.InnerException is InvalidOperationException);
        (await Driver.WalkAsync().ToListAsync()).Should().Equal(new SnapshotInfo("contended", null, SnapshotKind.Active));
    }

    [Fact]
    public async Task Concurrent_commits_under_one_name_let_exactly_one_win()
    {
        var name = ChainId("contended-commit");
        var keys = Enumerable.Range(0, 4).Select(i => "commit-" + i).ToList();
        foreach (var key in keys)
        {
            await Driver.PrepareAsync(key, null);
        }

        var attempts = keys.Select(key => Task.Run(() => Driver.CommitAsync(name, key))).ToList();
        await FluentActions.Awaiting(() => Task.WhenAll(attempts)).Should().ThrowAsync<InvalidOperationException>();

        attempts.Count(t => t.IsCompletedSuccessfully).Should().Be(1);
        (await Driver.WalkAsync().ToListAsync()).Should().ContainSingle(s => s.Kind == SnapshotKind.Committed)
            .And.HaveCount(4, "the three losers are still active");
    }

    [Fact]
    public async Task A_second_engine_on_the_same_root_sees_the_same_snapshots()
    {
        var basis = await LayerAsync(ChainId("shared"), null, r => File.WriteAllText(Path.Combine(r, "f"), "shared"));
        await Driver.PrepareAsync("shared-active", basis);
        await using var other = ContainerEngine.Create(new ContainersOptions { Root = Test.Root }, b => b.AddLinuxRuntime(o => o.StorageDriver = Driver.Name));
        var second = other.Services.GetRequiredService<IStorageDriver>();

        (await second.WalkAsync().ToListAsync()).Should().BeEquivalentTo(await Driver.WalkAsync().ToListAsync());
        await second.RemoveAsync("shared-active");
        await FluentActions.Awaiting(() => Driver.StatAsync("shared-active")).Should().ThrowAsync<SnapshotNotFoundException>();
    }

    [Fact]
    public async Task An_images_layers_are_committed_snapshots_to_build_on()
    {
        var image = await Test.ImportBusyboxAsync("busybox:latest");
        var mounter = Test.Engine.Services.GetRequiredService<IImageMounter>();
        var mounted = await mounter.MountAsync(image);
        File.Exists(Path.Combine(mounted, "bin", "busybox")).Should().BeTrue();
        var write = () => File.WriteAllText(Path.Combine(mounted, "new"), "x");
        write.Should().Throw<IOException>("an image is mounted read-only");
        await mounter.UnmountAsync(image);
        var top = global::Containers.Storage.ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList())[^1].ToString();

        (await Driver.WalkAsync().ToListAsync()).Should().Equal(new SnapshotInfo(top, null, SnapshotKind.Committed));
        var root = Mount(await Driver.PrepareAsync("build-step", top));
        File.Exists(Path.Combine(root, "bin", "sh")).Should().BeTrue();
    }
}
