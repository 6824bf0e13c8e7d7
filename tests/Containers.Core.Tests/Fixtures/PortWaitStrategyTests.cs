using Containers.Fixtures;

namespace Containers.Core.Tests.Fixtures;

/// <summary>Reading listening sockets from the kernel's <c>/proc/net/tcp</c> and <c>tcp6</c> tables.</summary>
public sealed class PortWaitStrategyTests
{
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    [Theory]
    [InlineData("   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 1 1\n", true)]    // 0.0.0.0:5432
    [InlineData("   0: 0200A8C0:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 1 1\n", true)]    // 192.168.0.2:5432
    [InlineData("   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 1 1\n", false)]   // 127.0.0.1 only
    [InlineData("   0: 00000000:1539 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 1 1\n", false)]   // another port
    [InlineData("   0: 00000000:1538 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   101        0 1 1\n", false)]   // established, not listening
    [InlineData("   0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n", true)]   // [::]:5432
    [InlineData("   0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n", false)]  // [::1]:5432
    [InlineData("   0: 0000000000000000FFFF00000100007F:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n", false)]  // [::ffff:127.0.0.1]
    public void A_listening_socket_counts_only_on_a_reachable_address(string line, bool listening) =>
        PortWaitStrategy.IsListening(Header + line, 5432).Should().Be(listening);

    [Fact]
    public void Strategies_are_immutable()
    {
        var wait = Wait.ForPort(80);
        var longer = wait.WithTimeout(TimeSpan.FromMinutes(5));

        wait.Timeout.Should().Be(Wait.DefaultTimeout);
        longer.Timeout.Should().Be(TimeSpan.FromMinutes(5));
        Wait.ForAll(Wait.ForPort(1).WithTimeout(TimeSpan.FromSeconds(3)), Wait.ForLogLine("x").WithTimeout(TimeSpan.FromSeconds(7))).Timeout.Should().Be(TimeSpan.FromSeconds(7));
    }
}
