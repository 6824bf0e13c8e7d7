using System.Text;
using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime;

/// <summary>
/// Prepares a detached container's restarts for its monitor: the policy as data (<see cref="DetachedRestart"/>) and the
/// spawn plan of the container's process, which the monitor runs again after an exit the policy restarts. The process
/// comes back in the same container: the same root filesystem (mounted until the engine records the last exit), the
/// same cgroup (the monitor writes the new pid into its <c>cgroup.procs</c> files) and the same network namespace, which
/// the monitor joins once the first process runs and holds, so the interfaces, the address and the published ports stay.
/// </summary>
/// <remarks>
/// The format (little-endian, strings as <see cref="MonitorPlanWriter"/> writes them): the magic <c>CNRPLAN1</c>; int32
/// restart after success, after failure (0 or 1), maximum restarts (0: no limit), restarts so far; int64 the run length
/// (ns) that starts the back-off over; int32 count and int64 delay (ns) per consecutive restart; str stop marker, status
/// file, standard input (a FIFO, or null for /dev/null); int32 count and str per cgroup.procs file; uint64 clone flags;
/// int32 parent-death signal; the steps, with <see cref="Stdin"/>, <see cref="Stdout"/> and <see cref="Stderr"/> as
/// placeholders the monitor replaces; the program. Read by <c>monitor_restart.c</c>'s <c>restart_load</c>.
/// </remarks>
internal static class RestartPlan
{
    /// <summary>The placeholder descriptor the monitor replaces with the standard input it opens.</summary>
    public const int Stdin = -100;

    /// <summary>The placeholder descriptor the monitor replaces with the write end of the new stdout pipe.</summary>
    public const int Stdout = -101;

    /// <summary>The placeholder descriptor the monitor replaces with the write end of the new stderr pipe.</summary>
    public const int Stderr = -102;

    private static ReadOnlySpan<byte> Magic => "CNRPLAN1"u8;

    /// <summary>
    /// Tells whether the monitor can restart a container of <paramref name="spec"/>: not one with a user namespace, whose
    /// network namespace a new process in a new user namespace could not join with its rights (sysfs, sysctls).
    /// </summary>
    public static bool Supports(RuntimeSpec spec) => spec.Linux?.Namespaces?.Any(n => n.Type == "user") != true;

    /// <summary>Writes the restart plan of a container of <paramref name="spec"/> to <see cref="DetachedRestartPaths.PlanPath"/>.</summary>
    public static Task WriteAsync(DetachedRestart restart, RuntimeSpec spec, string executable, (byte[] Program, int Count)? seccomp, string? stdinPath, IReadOnlyList<string> cgroupProcessFiles, CancellationToken cancellationToken)
    {
        var plan = SpawnPlanBuilder.Build(spec, executable, new StdioFds(Stdin, Stdout, Stderr), seccomp);

        // The held network namespace keeps its loopback and its sysctls; the process joins it instead of making one.
        var steps = plan.Steps
            .Where(s => s.Op != SpawnOp.LoopbackUp && !(s.Op == SpawnOp.WriteFile && s.S0?.StartsWith("/proc/sys/net/", StringComparison.Ordinal) == true))
            .ToList();

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(restart.OnSuccess ? 1 : 0);
            writer.Write(restart.OnFailure ? 1 : 0);
            writer.Write(restart.MaximumRetryCount);
            writer.Write(restart.RestartCount);
            writer.Write(MonitorPlanWriter.Nanoseconds(DetachedRestart.ResetAfter));
            writer.Write(DetachedRestart.Delays.Count);
            foreach (var delay in DetachedRestart.Delays)
            {
                writer.Write(MonitorPlanWriter.Nanoseconds(delay));
            }

            MonitorPlanWriter.WriteString(writer, restart.Paths.StopMarkerPath);
            MonitorPlanWriter.WriteString(writer, restart.Paths.StatusPath);
            MonitorPlanWriter.WriteString(writer, stdinPath);
            MonitorPlanWriter.WriteStrings(writer, cgroupProcessFiles);
            writer.Write(plan.CloneFlags & ~(ulong)Libc.CLONE_NEWNET);
            writer.Write(plan.ParentDeathSignal);
            MonitorPlanWriter.WriteSteps(writer, steps);
            MonitorPlanWriter.WriteProgram(writer, plan);
        }

        return global::Containers.Hosting.AtomicFile.WriteAllBytesAsync(restart.Paths.PlanPath, stream.ToArray(), cancellationToken);
    }
}
