using Containers.Linux.Networking;
using Containers.Linux.Networking.Nft;
using Containers.Networks;
using Containers.Testing;

namespace Containers.Linux.Tests.Networking;

/// <summary>
/// The firewall table written over nfnetlink from C#: the kernel accepts it, and the real <c>nft</c> program reads it
/// back as exactly the rules we meant, which checks every expression's encoding.
/// </summary>
public sealed class NftablesTests : IDisposable
{
    private readonly string _table = "dotnet_containers_t" + Guid.NewGuid().ToString("N")[..10];
    private readonly Nftables _nftables = new();

    [Fact]
    public async Task The_firewall_table_reads_back_through_nft_as_written()
    {
        var table = FirewallRules.Build(_table, Networks());

        _nftables.Replace(table);

        var listed = await ListAsync();
        listed.ExitCode.Should().Be(0, listed.Stderr);
        listed.Stdout.Should().Be(table.ToString());
        listed.Stdout.Should().Contain("fib daddr type local tcp dport 8080 dnat to 10.231.0.2:80")
            .And.Contain("ip daddr 127.0.0.1 udp dport 5353 dnat to 10.231.0.2:53")
            .And.Contain("ip saddr 10.231.16.0/20 oifname != \"dctest2\" masquerade")
            .And.Contain("iifname \"dctest1\" oifname \"dc*\" oifname != \"dctest1\" drop")
            .And.Contain("ip saddr 10.231.0.0/24 oifname \"dctest1\" ct status dnat masquerade")
            .And.Contain("type nat hook prerouting priority dstnat; policy accept;");
    }

    [Fact]
    public async Task Replacing_swaps_the_whole_table_and_deleting_removes_it()
    {
        _nftables.Replace(FirewallRules.Build(_table, Networks()));
        var fewer = FirewallRules.Build(_table, [Networks()[1]]);

        _nftables.Replace(fewer);
        (await ListAsync()).Stdout.Should().Be(fewer.ToString()).And.NotContain("dctest1");

        _nftables.Replace(fewer, delete: true);
        (await ListAsync()).ExitCode.Should().NotBe(0, "the table is gone");

        var again = () => _nftables.Replace(fewer, delete: true);
        again.Should().NotThrow("deleting a missing table is not an error");
    }

    [Fact]
    public async Task A_rule_the_kernel_refuses_names_itself_and_leaves_the_old_table_in_place()
    {
        var good = FirewallRules.Build(_table, Networks());
        _nftables.Replace(good);
        var bad = FirewallRules.Build(_table, Networks()).Add(new NftRule("prerouting").Jump("no_such_chain"));

        var replace = () => _nftables.Replace(bad);

        replace.Should().Throw<NetworkSetupException>().WithMessage("*jump no_such_chain*ENOENT*");
        (await ListAsync()).Stdout.Should().Be(good.ToString(), "a refused transaction changes nothing");
    }

    [Fact]
    public async Task Thousands_of_published_ports_fit_one_transaction()
    {
        var ports = Enumerable.Range(20000, 3000).Select(p => new PortBinding { ContainerPort = 80, HostPort = p }).ToList();
        var network = Networks()[0];
        var table = FirewallRules.Build(_table, [network with { Endpoints = [network.Endpoints[0] with { Ports = ports }] }]);

        _nftables.Replace(table);

        var listed = await ListAsync();
        listed.Stdout.Split('\n').Count(l => l.Contains("dnat to 10.231.0.2:80", StringComparison.Ordinal)).Should().Be(3000);
    }

    [Fact]
    public void Rules_that_cannot_be_encoded_are_refused_before_reaching_the_kernel()
    {
        var table = new NftTable(_table).Add(new NftChain("c"));

        FluentActions.Invoking(() => table.Add(new NftRule("missing").Drop())).Should().Throw<ArgumentException>().WithMessage("*no chain missing*");
        FluentActions.Invoking(() => new NftRule("c").OutputInterface("a-name-of-16-chr")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new NftRule("c").OutputInterface("*")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new NftRule("c").DestinationPort("sctp", 1)).Should().Throw<ArgumentException>();
    }

    public void Dispose()
    {
        _nftables.Replace(new NftTable(_table), delete: true);
        _nftables.Dispose();
    }

    private Task<ToolResult> ListAsync() => ExternalTool.RunAsync("nft", ["list", "table", "ip", _table]);

    private static List<NetworkDetails> Networks() =>
    [
        new NetworkDetails
        {
            Name = "one", Id = new string('1', 64), Subnet = "10.231.0.0/24", Gateway = "10.231.0.1", BridgeName = "dctest1",
            Endpoints =
            [
                new NetworkEndpoint
                {
                    ContainerId = "c1", ContainerName = "web", Address = "10.231.0.2",
                    Ports = [new PortBinding { ContainerPort = 80, HostPort = 8080 }, new PortBinding { ContainerPort = 53, HostPort = 5353, HostIp = "127.0.0.1", Protocol = "udp" }],
                },
                new NetworkEndpoint { ContainerId = "c2", ContainerName = "stopped" },
            ],
        },
        new NetworkDetails { Name = "two", Id = new string('2', 64), Subnet = "10.231.16.0/20", Gateway = "10.231.16.1", BridgeName = "dctest2" },
        new NetworkDetails { Name = "three", Id = new string('3', 64), Subnet = "10.231.32.0/24", Gateway = "10.231.32.1", BridgeName = "dctest3", Internal = true },
    ];
}
