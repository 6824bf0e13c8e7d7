using Containers.Containers;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>Each container's own cgroup namespace, and the read-only /sys/fs/cgroup that shows only its own cgroups.</summary>
public sealed class CgroupNamespaceTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    // What the container sees depends on the host's hierarchy: one directory per controller on v1, one tree on v2.
    private static readonly bool V1 = HostCgroups.Version == 1;
    private static readonly string MemoryDirectory = V1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup";
    private static readonly string MemoryLimitFile = MemoryDirectory + (V1 ? "/memory.limit_in_bytes" : "/memory.max");
    private static readonly string PidsMaxFile = V1 ? "/sys/fs/cgroup/pids/pids.max" : "/sys/fs/cgroup/pids.max";

    /// <summary>The memory line of /proc/self/cgroup without its host-specific hierarchy number: <c>:memory:</c> on v1, <c>::</c> on v2.</summary>
    private static readonly string OwnMemoryCgroup = (V1 ? "grep -E '^[0-9]+:memory:'" : "grep '^0::'") + " /proc/self/cgroup | sed 's/^[0-9]*//'";
    private static readonly string MemoryLinePrefix = V1 ? ":memory:" : "::";

    [Fact]
    public async Task The_container_sees_its_own_cgroups_as_the_root()
    {
        var (_, stdout, stderr) = await fixture.RunAsync("cat", "/proc/self/cgroup");

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().NotBeEmpty(stderr);
        lines.Should().OnlyContain(l => l.EndsWith(":/", StringComparison.Ordinal), "every hierarchy's namespace root is the container's cgroup");
    }

    [Fact]
    public async Task The_memory_limit_reads_back_inside_and_the_cgroup_tree_is_read_only()
    {
        var (_, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Memory = 64 * 1024 * 1024,
            PidsLimit = 77,
            Command = ["sh", "-c",
                $"cat {MemoryLimitFile} {PidsMaxFile}; " +
                $"echo 1 > {PidsMaxFile} 2>/dev/null && echo pids-writable || echo pids-readonly; " +
                $"mkdir {MemoryDirectory}/escape 2>/dev/null && echo mkdir-allowed || echo mkdir-refused; " +
                "touch /sys/fs/cgroup/x 2>/dev/null && echo tmpfs-writable || echo tmpfs-readonly; " +
                $"ls {MemoryDirectory} | grep -c dotnet-containers"],
        });

        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(["67108864", "77", "pids-readonly", "mkdir-refused", "tmpfs-readonly", "0"], stderr);
    }

    [Fact]
    public async Task A_user_namespace_container_gets_the_same_view()
    {
        var (_, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Memory = 32 * 1024 * 1024,
            UidMappings = [new IdMapping(0, 300000, 65536)],
            Command = ["sh", "-c", $"{OwnMemoryCgroup}; cat {MemoryLimitFile}"],
        });

        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal([MemoryLinePrefix + "/", "33554432"], stderr);
    }

    [Fact]
    public async Task With_the_host_cgroup_namespace_only_the_containers_own_cgroups_are_mounted()
    {
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            CgroupNamespace = "host",
            Memory = 48 * 1024 * 1024,
            Command = ["sh", "-c", $"{OwnMemoryCgroup}; cat {MemoryLimitFile}; echo 1 > {MemoryLimitFile} 2>/dev/null || echo readonly"],
        });
        (await fixture.Containers.WaitAsync(container.Id)).Should().Be(0);
        var lines = await fixture.Containers.LogsAsync(container.Id).Where(e => e.Stream == LogStream.Stdout).Select(e => e.Text.TrimEnd('\n')).ToListAsync();
        await fixture.Containers.RemoveAsync(container.Id);

        lines.Should().Equal($"{MemoryLinePrefix}/{Path.GetRelativePath(HostCgroups.Directory("memory", string.Empty), fixture.CgroupOf("memory", container.Id))}", "50331648", "readonly");
    }

    [Fact]
    public async Task An_unknown_cgroup_namespace_mode_is_refused()
    {
        var act = () => fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", CgroupNamespace = "shared", Command = ["true"] });
        (await act.Should().ThrowAsync<InvalidContainerConfigurationException>()).Which.Setting.Should().Be("cgroupns");
        (await fixture.Containers.ListAsync(all: true)).Should().BeEmpty();
    }
}
