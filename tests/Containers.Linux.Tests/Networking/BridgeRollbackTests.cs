using System.Diagnostics;
using System.Security.Cryptography;
using Containers.Hosting;
using Containers.Linux.Networking;
using Containers.Linux.Roots;
using Containers.Networks;
using Containers.Testing;

namespace Containers.Linux.Tests.Networking;

/// <summary>
/// The bridge driver's rollback on the real kernel: a step made to fail (everything else is done for real) leaves no
/// bridge or veth on the host. The fake-kernel tests in <c>Seam/</c> cover every step; these check that the deletions
/// they count on work on a kernel.
/// </summary>
public sealed class BridgeRollbackTests : IDisposable
{
    private readonly TempDirectory _root = new("rollback-root");
    private readonly NetworkDetails _network;

    public BridgeRollbackTests()
    {
        // An engine-shaped bridge on a free /24 of the benchmarking range; a leak would carry a label whose root is gone.
        var taken = new BridgeDriver(new StoreLayout("/nonexistent")).HostSubnets();
        var subnet = Enumerable.Range(0, 512).Select(_ => Ipv4Subnet.Create(Ipv4Subnet.ParseAddress("198.18.0.0") + ((uint)Random.Shared.Next(512) << 8), 24))
            .First(candidate => !taken.Any(candidate.Overlaps));
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _network = new NetworkDetails
        {
            Name = "rollback", Id = id, Subnet = subnet.ToString(), Gateway = Ipv4Subnet.FormatAddress(subnet.FirstHost), BridgeName = "dc" + id[..12],
        };
    }

    [Fact]
    public async Task A_new_bridge_whose_sysctl_cannot_be_set_is_deleted_again()
    {
        using var driver = Driver(new FailingNetworkLinks(nameof(INetworkLinks.SetSysctl)));

        var create = () => driver.CreateNetworkAsync(_network);

        await create.Should().ThrowAsync<NetworkSetupException>();
        Directory.Exists($"/sys/class/net/{_network.BridgeName}").Should().BeFalse();
    }

    [Fact]
    public async Task A_veth_pair_that_cannot_join_its_bridge_is_deleted_from_both_sides()
    {
        using var driver = Driver(new FailingNetworkLinks(nameof(IRtnetlink.AddToBridge)));
        await driver.CreateNetworkAsync(_network);
        using var process = Process.Start(new ProcessStartInfo("unshare", ["--net", "sleep", "600"]) { UseShellExecute = false })!;
        try
        {
            await OutsideHost.WaitForOwnNamespaceAsync(process.Id);
            var endpoint = new NetworkEndpoint
            {
                ContainerId = new string('a', 64), ContainerName = "rollback", Address = Ipv4Subnet.FormatAddress(Ipv4Subnet.Parse(_network.Subnet).FirstHost + 1),
                Interface = "eth0", HostInterface = NetworkService.HostInterfaceName(new string('a', 64), _network.Id),
            };

            var attach = () => driver.AttachAsync(_network, endpoint, process.Id, defaultRoute: true);

            await attach.Should().ThrowAsync<NetworkSetupException>();
            Directory.Exists($"/sys/class/net/{endpoint.HostInterface}").Should().BeFalse("the host end was deleted");
            var inside = await ExternalTool.RunAsync("nsenter", ["-t", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "ip", "-o", "link"]);
            inside.ExitCode.Should().Be(0);
            inside.Stdout.Should().NotContain("eth0", "the peer went with it");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            await driver.RemoveNetworkAsync(_network);
        }
    }

    public void Dispose()
    {
        // Only after a failed test is there a bridge to delete.
        _ = ExternalTool.RunAsync("ip", ["link", "del", _network.BridgeName]).GetAwaiter().GetResult();
        _root.Dispose();
    }

    private BridgeDriver Driver(INetworkLinks links) =>
        new(new StoreLayout(_root.Path), new RootOwner(new OwnerLabel(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), _root.Path)), links, new Nftables());
}
