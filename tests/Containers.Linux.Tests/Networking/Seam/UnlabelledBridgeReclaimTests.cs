using Containers.Hosting;
using Containers.Linux.Interop;
using Containers.Linux.Networking;
using Containers.Linux.Roots;
using Containers.Testing;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>
/// Which bridges a reclaim pass takes as left by a process killed between creating and labelling them, against a fake
/// kernel: only engine-named, unlabelled bridges that no live root's records name, and only under the host's network lock.
/// </summary>
[Trait("Category", "NoRoot")]
public sealed class UnlabelledBridgeReclaimTests : IDisposable
{
    private const string Orphan = "dc0123456789ab";
    private const string Named = "dcaaaaaaaaaaaa";
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(200);
    private readonly FakeNetworkKernel _kernel = new();
    private readonly TempDirectory _locks = new("network-locks");

    private string LockPath => Path.Combine(_locks.Path, "networks.lock");

    [Fact]
    public async Task Only_unlabelled_engine_bridges_no_live_root_names_are_deleted()
    {
        _kernel.AddLink(Orphan, "bridge");
        _kernel.AddLink(Named, "bridge");
        _kernel.AddLink("dcbbbbbbbbbbbb", "bridge", alias: FakeNetworkHost.Owner.ToString());
        _kernel.AddLink("dccccccccccccc", "bridge", alias: "someone else's alias");
        _kernel.AddLink("dc0123", "bridge");
        _kernel.AddLink("docker0", "bridge");
        _kernel.AddLink("dcdddddddddddd", "veth");

        var removed = await UnlabelledBridges.ReclaimAsync(_kernel, LockPath, () => [Named], Wait, CancellationToken.None);

        removed.Should().Be(1);
        _kernel.Links().Select(l => l.Name).Should().BeEquivalentTo(Named, "dcbbbbbbbbbbbb", "dccccccccccccc", "dc0123", "docker0", "dcdddddddddddd");
    }

    [Fact]
    public async Task A_pass_skips_while_another_process_creates_a_network()
    {
        // Under the host's network lock a bridge is created and then labelled: seen in between, it is not an orphan.
        _kernel.AddLink(Orphan, "bridge");
        using var creating = await FileLock.AcquireAsync(LockPath, exclusive: true);

        var removed = await UnlabelledBridges.ReclaimAsync(_kernel, LockPath, () => [], Wait, CancellationToken.None);

        removed.Should().Be(0);
        _kernel.Links().Select(l => l.Name).Should().Equal(Orphan);
    }

    [Fact]
    public async Task A_bridge_labelled_while_the_pass_waited_for_the_lock_is_kept()
    {
        var bridge = _kernel.AddLink(Orphan, "bridge");
        var creating = await FileLock.AcquireAsync(LockPath, exclusive: true);
        var pass = UnlabelledBridges.ReclaimAsync(_kernel, LockPath, () => [], TimeSpan.FromMinutes(1), CancellationToken.None);

        bridge.Alias = FakeNetworkHost.Owner.ToString();
        creating.Dispose();

        (await pass).Should().Be(0);
        _kernel.Links().Should().ContainSingle();
    }

    [Fact]
    public async Task A_bridge_gone_before_it_is_deleted_is_no_error()
    {
        _kernel.AddLink(Orphan, "bridge");
        _kernel.Fail(nameof(IRtnetlink.DeleteLink), Orphan, Errno.ENODEV);

        var reclaim = () => UnlabelledBridges.ReclaimAsync(_kernel, LockPath, () => [], Wait, CancellationToken.None);

        await reclaim.Should().NotThrowAsync();
    }

    [Fact]
    public async Task A_host_without_candidates_is_not_asked_to_delete_anything()
    {
        _kernel.AddLink("docker0", "bridge");

        var removed = await UnlabelledBridges.ReclaimAsync(_kernel, LockPath, () => throw new InvalidOperationException("no lookup is needed"), Wait, CancellationToken.None);

        removed.Should().Be(0);
        _kernel.Calls.Should().BeEmpty();
        File.Exists(LockPath).Should().BeFalse("the lock is not even taken");
    }

    public void Dispose() => _locks.Dispose();
}
