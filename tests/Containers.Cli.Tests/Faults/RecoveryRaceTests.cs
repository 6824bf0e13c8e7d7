using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>
/// Recovery in one process must leave alone what another process is still building: a container whose lock is held
/// (it is being created or started) keeps its cgroup and its half-prepared writable layer, though no record lists it yet.
/// </summary>
public sealed class RecoveryRaceTests
{
    [Fact]
    public async Task Recovery_spares_the_cgroup_and_layer_of_a_container_another_process_is_starting_and_reclaims_them_once_it_is_gone()
    {
        using var root = new TempDirectory("recovery-race");
        await using (ContainerEngine.Create(new ContainersOptions { Root = root.Path }, b => b.AddLinuxRuntime()))
        {
        }

        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var cgroups = CgroupDirectories(root.Path, id);
        cgroups.Should().NotBeEmpty();
        foreach (var cgroup in cgroups)
        {
            Directory.CreateDirectory(cgroup);
        }

        var layer = Directory.CreateDirectory(Path.Combine(root.Path, "storage", "overlay", "snapshots", $"ctr-{id}.tmp-0badf00d", "upper")).Parent!.FullName;
        try
        {
            // What ContainerStore.LockAsync takes while a start prepares the layer and creates the cgroup: flock(LOCK_EX).
            var lockPath = Path.Combine(root.Path, "locks", $"container-{id}.lock");
            using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                await using (ContainerEngine.Create(new ContainersOptions { Root = root.Path }, b => b.AddLinuxRuntime()))
                {
                }

                cgroups.Should().AllSatisfy(c => Directory.Exists(c).Should().BeTrue("the starting container's cgroup is not a leftover"));
                Directory.Exists(layer).Should().BeTrue("the layer being prepared is not a leftover");
            }

            await using (ContainerEngine.Create(new ContainersOptions { Root = root.Path }, b => b.AddLinuxRuntime()))
            {
            }

            Directory.Exists(cgroups[0]).Should().BeFalse("with the lock free and no record, the cgroup is a crash's leftover");
            Directory.Exists(layer).Should().BeFalse("and so is the layer");
        }
        finally
        {
            foreach (var cgroup in cgroups.Where(Directory.Exists))
            {
                Directory.Delete(cgroup);
            }

            foreach (var parent in cgroups.Select(Path.GetDirectoryName).Where(p => Directory.Exists(p) && !Directory.EnumerateDirectories(p!).Any()))
            {
                Directory.Delete(parent!);
            }

            await CliRunner.DeleteRootAsync(root);
        }
    }

    /// <summary>The directories of a container's cgroup on this host: one per v1 controller, or one on a unified (v2) hierarchy.</summary>
    private static List<string> CgroupDirectories(string root, string id)
    {
        var parent = "dotnet-containers/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..12];
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers"))
        {
            return [Path.Combine("/sys/fs/cgroup", parent, id)];
        }

        // pids first: recovery lists a v1 root's cgroups there.
        return new[] { "pids", "memory", "cpu", "cpuacct", "freezer", "blkio", "devices" }
            .Where(c => Directory.Exists(Path.Combine("/sys/fs/cgroup", c)))
            .Select(c => Path.Combine("/sys/fs/cgroup", c, parent, id))
            .ToList();
    }
}
