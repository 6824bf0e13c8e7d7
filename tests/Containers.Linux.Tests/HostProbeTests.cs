using Containers.Testing;

namespace Containers.Linux.Tests;

/// <summary>The host probes tests rely on, against simulated hosts: a missing optional device, a v2 or v1 cgroup tree.</summary>
public sealed class HostProbeTests
{
    [Fact]
    public void A_missing_device_is_skipped_for_the_next_one_the_host_has()
    {
        HostDevice.FindOpenable('c', ["/dev/no-such-kvm", "/dev/null"]).Should().Be(new HostDevice("/dev/null", 'c', 1, 3));
        HostDevice.FindOpenable('c', ["/dev/no-such-kvm"]).Should().BeNull();
        HostDevice.FindOpenable('c').Should().NotBeNull("every Linux host has /dev/kmsg");
    }

    [Fact]
    public void Cgroup_paths_follow_the_hierarchy_the_root_holds()
    {
        using var v2 = new TempDirectory("fake-cgroup2");
        File.WriteAllText(v2.Combine("cgroup.controllers"), "cpu memory pids\n");
        HostCgroups.VersionOf(v2.Path).Should().Be(2);
        HostCgroups.Directory("memory", "a/b", v2.Path).Should().Be(v2.Combine("a/b"));
        HostCgroups.Cgroup2Mount(v2.Path).Should().Be(v2.Path);

        using var hybrid = new TempDirectory("fake-cgroup1");
        Directory.CreateDirectory(hybrid.Combine("unified"));
        File.WriteAllText(hybrid.Combine("unified/cgroup.procs"), string.Empty);
        HostCgroups.VersionOf(hybrid.Path).Should().Be(1);
        HostCgroups.Directory("memory", "a/b", hybrid.Path).Should().Be(hybrid.Combine("memory/a/b"));
        HostCgroups.Cgroup2Mount(hybrid.Path).Should().Be(hybrid.Combine("unified"));

        File.Delete(hybrid.Combine("unified/cgroup.procs"));
        HostCgroups.Cgroup2Mount(hybrid.Path).Should().BeNull("a pure v1 host has no cgroup2 tree");
    }
}
