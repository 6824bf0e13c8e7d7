using Containers.Containers;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>Device access in real containers: Docker's device cgroup rules, enforced by the devices controller on cgroup v1 and an eBPF program on v2.</summary>
public sealed class DeviceTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    /// <summary>Creates host devices the container must not open (kvm, a loop disk) and checks the standard nodes.</summary>
    private const string Probe =
        "mknod /dev/kvm-probe c 10 232 && echo mknod-ok; true < /dev/kvm-probe && echo kvm-opened; " +
        "mknod /dev/loop-probe b 7 0 && true < /dev/loop-probe && echo loop-opened; " +
        "echo x > /dev/null && echo null-ok; head -c 3 /dev/urandom | wc -c; head -c 2 /dev/zero | wc -c";

    [Fact]
    public async Task A_container_can_create_device_nodes_but_not_open_host_devices()
    {
        var (_, stdout, stderr) = await fixture.RunAsync("sh", "-c", Probe);

        stdout.Should().Contain("mknod-ok", "CAP_MKNOD is in Docker's default set").And.Contain("null-ok").And.Contain("3\n2\n");
        stdout.Should().NotContain("kvm-opened").And.NotContain("loop-opened");
        stderr.Should().Contain("can't open /dev/kvm-probe: Operation not permitted").And.Contain("can't open /dev/loop-probe: Operation not permitted");
    }

    [Fact]
    public async Task A_privileged_container_can_open_host_devices()
    {
        // Devices this host has and can open (kvm or a loop disk may be absent): a node the default rules deny.
        var character = HostDevice.FindOpenable('c') ?? throw new InvalidOperationException("this host has none of " + string.Join(", ", HostDevice.CharacterCandidates));
        var block = HostDevice.FindOpenable('b');
        var probe = $"mknod /dev/char-probe c {character.Major} {character.Minor} && echo mknod-ok; true < /dev/char-probe && echo char-opened; " +
            (block is null ? string.Empty : $"mknod /dev/block-probe b {block.Major} {block.Minor} && true < /dev/block-probe && echo block-opened; ") +
            "echo x > /dev/null && echo null-ok";

        var (_, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Privileged = true, Command = ["sh", "-c", probe] });
        var unprivileged = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", probe] });

        stdout.Should().Contain("mknod-ok").And.Contain("char-opened").And.Contain("null-ok", stderr);
        unprivileged.Stdout.Should().NotContain("char-opened", $"{character.Path} is outside Docker's default rules");
        if (block is not null)
        {
            stdout.Should().Contain("block-opened", $"{block.Path} opens on the host");
            unprivileged.Stdout.Should().NotContain("block-opened");
        }
    }

    [Fact]
    public async Task The_rules_are_in_the_containers_device_cgroup()
    {
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "30"] });
        try
        {
            // cgroup v2 has no devices.list: the rules are an eBPF program there, which the other tests exercise by opening devices.
            var list = HostCgroups.Version == 1
                ? await File.ReadAllLinesAsync(Path.Combine(fixture.CgroupOf("devices", container.Id), "devices.list"))
                : (await fixture.Containers.InspectAsync(container.Id)).Spec!.Linux!.Resources!.Devices!.Where(r => r.Allow)
                    .Select(r => $"{r.Type ?? "a"} {(r.Major is { } major ? major.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*")}:{(r.Minor is { } minor ? minor.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*")} {r.Access}").ToArray();
            list.Should().BeEquivalentTo("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm");
        }
        finally
        {
            await fixture.Containers.RemoveAsync(container.Id, force: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_standard_nodes_are_0666_and_a_non_root_user_can_use_them(bool userNamespace)
    {
        var (_, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            User = "1000",
            UidMappings = userNamespace ? [new IdMapping(0, 300000, 65536)] : [],
            Command = ["sh", "-c", "stat -c '%n %a' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; echo x > /dev/null && echo null-writable; head -c 1 /dev/zero | wc -c"],
        });

        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            ["/dev/null 666", "/dev/zero 666", "/dev/full 666", "/dev/random 666", "/dev/urandom 666", "/dev/tty 666", "null-writable", "1"], stderr);
    }
}
