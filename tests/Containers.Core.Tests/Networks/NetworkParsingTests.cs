using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>Subnets and port publications: what parses, and the typed error for everything else.</summary>
public sealed class NetworkParsingTests
{
    [Theory]
    [InlineData("172.30.5.0/24", "172.30.5.1", "172.30.5.255")]
    [InlineData("10.0.0.0/8", "10.0.0.1", "10.255.255.255")]
    [InlineData("192.168.7.4/30", "192.168.7.5", "192.168.7.7")]
    public void A_subnet_parses_with_its_first_host_and_broadcast(string text, string firstHost, string broadcast)
    {
        var subnet = Ipv4Subnet.Parse(text);

        subnet.ToString().Should().Be(text);
        Ipv4Subnet.FormatAddress(subnet.FirstHost).Should().Be(firstHost);
        Ipv4Subnet.FormatAddress(subnet.Broadcast).Should().Be(broadcast);
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.1/24")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/31")]
    [InlineData("10.0.0/24")]
    [InlineData("::1/64")]
    [InlineData("300.0.0.0/24")]
    [InlineData("10.0.0.0/-1")]
    public void A_malformed_subnet_is_refused(string text)
    {
        var act = () => Ipv4Subnet.Parse(text);

        act.Should().Throw<InvalidSubnetException>().Which.Value.Should().NotBeNull();
    }

    [Fact]
    public void Subnets_overlap_when_they_share_an_address()
    {
        Ipv4Subnet.Parse("10.1.0.0/16").Overlaps(Ipv4Subnet.Parse("10.1.5.0/24")).Should().BeTrue();
        Ipv4Subnet.Parse("10.1.5.0/24").Overlaps(Ipv4Subnet.Parse("10.1.0.0/16")).Should().BeTrue();
        Ipv4Subnet.Parse("10.1.5.0/24").Overlaps(Ipv4Subnet.Parse("10.1.6.0/24")).Should().BeFalse();
    }

    [Theory]
    [InlineData("80", "0.0.0.0", 0, 80, "tcp")]
    [InlineData("8080:80", "0.0.0.0", 8080, 80, "tcp")]
    [InlineData("127.0.0.1:8080:80/udp", "127.0.0.1", 8080, 80, "udp")]
    [InlineData("127.0.0.1::80", "127.0.0.1", 0, 80, "tcp")]
    [InlineData("53/UDP", "0.0.0.0", 0, 53, "udp")]
    public void A_port_publication_parses(string text, string hostIp, int hostPort, int containerPort, string protocol)
    {
        PortBinding.Parse(text).Should().Be(new PortBinding { HostIp = hostIp, HostPort = hostPort, ContainerPort = containerPort, Protocol = protocol });
    }

    [Theory]
    [InlineData("")]
    [InlineData("70000")]
    [InlineData("0")]
    [InlineData("80/sctp")]
    [InlineData("8090-8080:80")]
    [InlineData("8000-8002:80-81")]
    [InlineData("80-")]
    [InlineData("-80")]
    [InlineData("8000:80-82")]
    [InlineData("80-82")]
    [InlineData("a:b:c:d")]
    [InlineData("localhost:8080:80")]
    [InlineData("1.2.3.4:99999:80")]
    [InlineData("-1:80")]
    public void A_malformed_port_publication_is_refused(string text)
    {
        var act = () => PortBinding.Parse(text);

        act.Should().Throw<InvalidPortSpecificationException>().Which.Specification.Should().Be(text);
    }

    [Fact]
    public void A_range_publishes_each_port_as_docker_does()
    {
        PortBinding.ParseAll("127.0.0.1:8000-8002:80-82/udp").Should().Equal(
            new PortBinding { HostIp = "127.0.0.1", HostPort = 8000, ContainerPort = 80, Protocol = "udp" },
            new PortBinding { HostIp = "127.0.0.1", HostPort = 8001, ContainerPort = 81, Protocol = "udp" },
            new PortBinding { HostIp = "127.0.0.1", HostPort = 8002, ContainerPort = 82, Protocol = "udp" });
        PortBinding.ParseAll("80-81").Should().Equal(new PortBinding { ContainerPort = 80 }, new PortBinding { ContainerPort = 81 });
        PortBinding.Parse("8000-8010:80").Should().Be(new PortBinding { HostPort = 8000, HostPortEnd = 8010, ContainerPort = 80 });
        PortBinding.Parse("8000-8000:80").Should().Be(new PortBinding { HostPort = 8000, ContainerPort = 80 });
    }
}
