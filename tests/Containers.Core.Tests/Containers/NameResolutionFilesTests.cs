using Containers.Containers;

namespace Containers.Core.Tests.Containers;

/// <summary>The engine's <c>/etc/hosts</c> and <c>/etc/resolv.conf</c>, and the typed errors for bad <c>--add-host</c> and <c>--dns*</c> values.</summary>
public sealed class NameResolutionFilesTests
{
    private const string HostResolvConf = "# managed by the host\nnameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch corp.example\noptions edns0\n";

    [Fact]
    public void The_hosts_file_has_localhost_the_extra_hosts_with_host_gateway_resolved_then_the_containers_own_names()
    {
        var text = NameResolutionFiles.Hosts("web1", "172.29.0.2", "172.29.0.1", ["db.local:10.1.2.3", "host.docker.internal:host-gateway", "v6:fd00::1"], ["172.29.0.3\tpeer p 0123456789ab"]);

        text.Should().Be(
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            "10.1.2.3\tdb.local\n172.29.0.1\thost.docker.internal\nfd00::1\tv6\n" +
            "172.29.0.2\tweb1\n172.29.0.3\tpeer p 0123456789ab\n");
    }

    [Fact]
    public void A_bridged_container_loses_the_hosts_loopback_name_servers_and_keeps_the_rest()
    {
        var text = NameResolutionFiles.ResolvConf(HostResolvConf, new ContainerCreateOptions { Image = "x" }, bridged: true);

        text.Should().Be("# managed by the host\nsearch corp.example\noptions edns0\nnameserver 192.0.2.53\n");
    }

    [Fact]
    public void With_only_loopback_name_servers_a_bridged_container_gets_public_ones_and_host_mode_keeps_them()
    {
        const string local = "nameserver 127.0.0.53\n";

        NameResolutionFiles.ResolvConf(local, new ContainerCreateOptions { Image = "x" }, bridged: true).Should().Be("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        NameResolutionFiles.ResolvConf(local, new ContainerCreateOptions { Image = "x" }, bridged: false).Should().Be(local);
    }

    [Fact]
    public void Dns_settings_replace_the_hosts_own()
    {
        var options = new ContainerCreateOptions { Image = "x", Dns = ["10.0.0.53", "127.0.0.11"], DnsSearch = ["a.test", "b.test"], DnsOptions = ["ndots:2"] };

        var text = NameResolutionFiles.ResolvConf(HostResolvConf, options, bridged: true);

        text.Should().Be("# managed by the host\nnameserver 10.0.0.53\nnameserver 127.0.0.11\nsearch a.test b.test\noptions ndots:2\n");
    }

    [Theory]
    [InlineData("no-colon", null, null, "add-host")]
    [InlineData("name:not-an-ip", null, null, "add-host")]
    [InlineData(":10.0.0.1", null, null, "add-host")]
    [InlineData("two words:10.0.0.1", null, null, "add-host")]
    [InlineData("gw:host-gateway", null, "none", "add-host")]
    [InlineData(null, "8.8.8", null, "dns")]
    [InlineData(null, "dns.example", null, "dns")]
    public void Bad_values_are_refused_with_the_option_named(string? extraHost, string? dns, string? network, string option)
    {
        var options = new ContainerCreateOptions
        {
            Image = "x",
            Network = network,
            ExtraHosts = extraHost is null ? [] : [extraHost],
            Dns = dns is null ? [] : [dns],
        };

        var validate = () => NameResolutionFiles.Validate(options);

        validate.Should().Throw<InvalidContainerConfigurationException>().Which.Setting.Should().Be(option);
    }

    [Fact]
    public void Search_domains_and_options_must_be_single_words()
    {
        var validate = () => NameResolutionFiles.Validate(new ContainerCreateOptions { Image = "x", DnsSearch = ["a b"] });

        validate.Should().Throw<InvalidContainerConfigurationException>();
    }
}
