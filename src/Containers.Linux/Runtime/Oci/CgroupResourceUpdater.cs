using System.Globalization;
using Containers.Linux.Cgroups;
using Containers.Linux.Interop;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// Applies a <see cref="ResourceUpdate"/> to a container's cgroup as runc's cgroup drivers do: the same files, the same
/// order (cpuset, memory, cpu, pids, blkio on v1), memory and swap written in the order the kernel accepts, and the
/// previous values back when any write fails.
/// </summary>
internal static class CgroupResourceUpdater
{
    /// <summary>Applies the update to the cgroup <paramref name="path"/> (relative to <paramref name="root"/>) on cgroup <paramref name="version"/>.</summary>
    /// <exception cref="OciRuntimeException">The kernel refused a value; the cgroup is back as it was.</exception>
    public static void Apply(ResourceUpdate update, string root, string path, int version)
    {
        var journal = new CgroupWriteJournal();
        try
        {
            if (version == 1)
            {
                ApplyV1(update, root, path, journal);
            }
            else
            {
                ApplyV2(update, Path.Combine(root, path), journal);
            }
        }
        catch (OciRuntimeException)
        {
            journal.Rollback();
            throw;
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static void ApplyV1(ResourceUpdate update, string root, string path, CgroupWriteJournal journal)
    {
        string Dir(string controller) => Path.Combine(root, controller, path);

        if (update.Cpus is { } cpus)
        {
            journal.WriteOrThrow(Path.Combine(Dir("cpuset"), "cpuset.cpus"), cpus);
        }

        if (update.Mems is { } mems)
        {
            journal.WriteOrThrow(Path.Combine(Dir("cpuset"), "cpuset.mems"), mems);
        }

        MemoryV1(update, Dir("memory"), journal);
        CpuV1(update, Dir("cpu"), journal);
        if (update.PidsLimit != 0)
        {
            journal.WriteOrThrow(Path.Combine(Dir("pids"), "pids.max"), update.PidsLimit > 0 ? Text(update.PidsLimit) : "max");
        }

        if (update.BlkioWeight is { } weight and not 0)
        {
            var file = File.Exists(Path.Combine(Dir("blkio"), "blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight";
            journal.WriteOrThrow(Path.Combine(Dir("blkio"), file), weight.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void MemoryV1(ResourceUpdate update, string directory, CgroupWriteJournal journal)
    {
        var limit = update.MemoryLimit ?? 0;
        var swap = update.MemorySwap ?? 0;
        var swapFile = Path.Combine(directory, "memory.memsw.limit_in_bytes");

        // Unlimited memory with no word on swap means unlimited swap too (where the kernel accounts swap).
        if (limit == -1 && swap == 0 && File.Exists(swapFile))
        {
            swap = -1;
        }

        // The kernel keeps memory <= memory+swap at every step: raise the swap limit first when it grows.
        var current = CgroupFiles.ReadNumber(directory, "memory.limit_in_bytes");
        if (limit != 0 && swap != 0 && (swap == -1 || current < (ulong)swap))
        {
            WriteSwap(swapFile, swap, journal);
            WriteMemory(directory, limit, journal);
        }
        else
        {
            WriteMemory(directory, limit, journal);
            WriteSwap(swapFile, swap, journal);
        }

        if (update.MemoryReservation is { } reservation and not 0)
        {
            journal.WriteOrThrow(Path.Combine(directory, "memory.soft_limit_in_bytes"), Text(reservation));
        }
    }

    private static void WriteSwap(string file, long swap, CgroupWriteJournal journal)
    {
        if (swap != 0)
        {
            journal.WriteOrThrow(file, Text(swap));
        }
    }

    private static void WriteMemory(string directory, long limit, CgroupWriteJournal journal)
    {
        if (limit == 0)
        {
            return;
        }

        var file = Path.Combine(directory, "memory.limit_in_bytes");
        var (errno, operation) = journal.TryWrite(file, Text(limit));
        if (errno == Errno.EBUSY)
        {
            // The kernel refuses a limit below what the cgroup uses now.
            throw new OciRuntimeException($"unable to set memory limit to {limit} (current usage: {CgroupFiles.ReadNumber(directory, "memory.usage_in_bytes")}, peak usage: {CgroupFiles.ReadNumber(directory, "memory.max_usage_in_bytes")})");
        }

        if (errno != 0)
        {
            throw CgroupWriteJournal.Failure(file, Text(limit), errno, operation);
        }
    }

    private static void CpuV1(ResourceUpdate update, string directory, CgroupWriteJournal journal)
    {
        if (update.CpuShares is { } shares and not 0)
        {
            journal.WriteOrThrow(Path.Combine(directory, "cpu.shares"), Text(shares));

            // The kernel clamps shares into its range silently; runc reads them back and reports the bound.
            var applied = CgroupFiles.ReadNumber(directory, "cpu.shares");
            if (shares > applied)
            {
                throw new OciRuntimeException($"the maximum allowed cpu-shares is {applied}");
            }

            if (shares < applied)
            {
                throw new OciRuntimeException($"the minimum allowed cpu-shares is {applied}");
            }
        }

        var quota = update.CpuQuota ?? 0;
        string? pendingPeriod = null;
        if (update.CpuPeriod is { } period and not 0)
        {
            var file = Path.Combine(directory, "cpu.cfs_period_us");
            var (errno, operation) = journal.TryWrite(file, Text(period));

            // A shorter period can exceed the parent's quota until the new quota is in: retry it after the quota.
            if (errno == Errno.EINVAL && quota != 0)
            {
                pendingPeriod = Text(period);
            }
            else if (errno != 0)
            {
                throw CgroupWriteJournal.Failure(file, Text(period), errno, operation);
            }
        }

        if (quota != 0)
        {
            journal.WriteOrThrow(Path.Combine(directory, "cpu.cfs_quota_us"), Text(quota));
            if (pendingPeriod is not null)
            {
                journal.WriteOrThrow(Path.Combine(directory, "cpu.cfs_period_us"), pendingPeriod);
            }
        }

        if (update.CpuRealtimePeriod is { } rtPeriod and not 0)
        {
            journal.WriteOrThrow(Path.Combine(directory, "cpu.rt_period_us"), Text(rtPeriod));
        }

        if (update.CpuRealtimeRuntime is { } rtRuntime and not 0)
        {
            journal.WriteOrThrow(Path.Combine(directory, "cpu.rt_runtime_us"), Text(rtRuntime));
        }
    }

    private static void ApplyV2(ResourceUpdate update, string directory, CgroupWriteJournal journal)
    {
        string In(string name) => Path.Combine(directory, name);

        if (update.Cpus is { } cpus)
        {
            journal.WriteOrThrow(In("cpuset.cpus"), cpus);
        }

        if (update.Mems is { } mems)
        {
            journal.WriteOrThrow(In("cpuset.mems"), mems);
        }

        // v2 keeps swap apart from memory: memory.swap.max = (memory+swap) - memory, as runc converts it.
        var limit = update.MemoryLimit ?? 0;
        if (update.MemorySwap is { } swap and not 0)
        {
            var memory = limit != 0 ? limit : long.TryParse(CgroupWriteJournal.ReadOrNull(In("memory.max")), CultureInfo.InvariantCulture, out var current) ? current : -1;
            if (swap != -1 && (memory == -1 || swap < memory))
            {
                throw new OciRuntimeException($"invalid memory value: memory+swap ({swap}) must be unlimited or at least the memory limit ({memory})");
            }

            journal.WriteOrThrow(In("memory.swap.max"), swap == -1 ? "max" : Text(swap - memory));
        }

        if (limit != 0)
        {
            journal.WriteOrThrow(In("memory.max"), limit == -1 ? "max" : Text(limit));
        }

        if (update.MemoryReservation is { } reservation and not 0)
        {
            journal.WriteOrThrow(In("memory.low"), reservation == -1 ? "max" : Text(reservation));
        }

        if (update.CpuShares is { } shares and not 0)
        {
            journal.WriteOrThrow(In("cpu.weight"), Text(CgroupV2Manager.SharesToWeight(shares)));
        }

        if (update.CpuQuota is not (null or 0) || update.CpuPeriod is not (null or 0))
        {
            var now = (CgroupWriteJournal.ReadOrNull(In("cpu.max")) ?? "max 100000").Split(' ');
            var quota = update.CpuQuota is { } q and not 0 ? (q > 0 ? Text(q) : "max") : now[0];
            var period = update.CpuPeriod is { } p and not 0 ? Text(p) : now.ElementAtOrDefault(1) ?? "100000";
            journal.WriteOrThrow(In("cpu.max"), quota + " " + period);
        }

        if (update.PidsLimit != 0)
        {
            journal.WriteOrThrow(In("pids.max"), update.PidsLimit > 0 ? Text(update.PidsLimit) : "max");
        }

        if (update.BlkioWeight is { } weight and not 0)
        {
            // io.weight runs 1 to 10000 where blkio.weight ran 10 to 1000.
            journal.WriteOrThrow(In("io.weight"), Text(1 + ((ulong)Math.Clamp((int)weight, 10, 1000) - 10) * 9999 / 990));
        }
    }
}
