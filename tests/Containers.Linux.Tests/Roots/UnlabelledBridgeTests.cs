using System.Security.Cryptography;
using Containers.Linux.Hosting;
using Containers.Linux.Roots;
using Containers.Networks;
using Containers.Testing;

namespace Containers.Linux.Tests.Roots;

/// <summary>
/// The kernel takes no alias when it creates a link, so a process killed between creating a network's bridge and
/// labelling it leaves a bridge without an owner label. A reclaim pass deletes such bridges unless a live root's
/// network records name them (that root's recovery labels them again).
/// </summary>
public sealed class UnlabelledBridgeTests
{
    [Fact]
    public async Task A_pass_deletes_an_unlabelled_engine_bridge_no_root_names_and_keeps_one_a_live_root_names()
    {
        var orphan = "dc" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using var scratch = ScratchRoot.Create(b => b.AddLinuxRuntime());
        var network = await scratch.Engine.Networks.CreateAsync(new NetworkCreateOptions { Name = "unlabelled" });
        try
        {
            // As a kill between creation and labelling leaves them: one named by no root, one named by a live root's record.
            (await ExternalTool.RunAsync("ip", ["link", "add", orphan, "type", "bridge"])).ExitCode.Should().Be(0);
            (await ExternalTool.RunAsync("ip", ["link", "set", "dev", network.BridgeName, "alias", ""])).ExitCode.Should().Be(0);
            File.ReadAllText($"/sys/class/net/{network.BridgeName}/ifalias").Trim().Should().BeEmpty();

            await OrphanedRoots.ReclaimAsync();

            Directory.Exists($"/sys/class/net/{orphan}").Should().BeFalse("no root names the bridge, and no creation is under way");
            Directory.Exists($"/sys/class/net/{network.BridgeName}").Should().BeTrue("a live root's network record names it");
        }
        finally
        {
            await ExternalTool.RunAsync("ip", ["link", "del", orphan]);
        }
    }
}
