using System.Text;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Linux.Security;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime;

/// <summary>
/// Prepares a detached container's health check for its monitor: the same exec plan an exec builds, written to a file
/// the monitor reads once and runs through the spawn code it links, on its own timer. What only exists once the
/// container runs is left for the monitor to fill in: the namespace descriptors (it opens <c>/proc/PID/ns/*</c>), the
/// check's standard streams (<see cref="Stdin"/>, <see cref="Output"/>) and the pipes of the spawn itself.
/// </summary>
/// <remarks>
/// The format (little-endian; <c>str</c> is an int32 length, -1 for null, then UTF-8 bytes): the magic <c>CNHPLAN1</c>;
/// int64 interval, timeout, start period and start interval in nanoseconds; int32 count and (int32 CLONE_NEW* flag,
/// str /proc/PID/ns file) per namespace, the pid namespace among them; int32 count and str per cgroup.procs file; int32
/// count and per step int32 op, i0, i1, i2, uint64 u0, u1, str s0..s3, str buffer, uint64 n0 (a set-namespace step's i0
/// is the index of its namespace); str executable; int32 count and str per argument; the same for the environment.
/// The layout is read by <c>monitor.c</c>'s <c>load_plan</c>; change both together.
/// </remarks>
internal static class HealthCheckPlan
{
    /// <summary>The placeholder descriptor the monitor replaces with <c>/dev/null</c>.</summary>
    public const int Stdin = -100;

    /// <summary>The placeholder descriptor the monitor replaces with the write end of the check's output pipe.</summary>
    public const int Output = -101;

    private static ReadOnlySpan<byte> Magic => "CNHPLAN1"u8;

    /// <summary>Writes the plan of <paramref name="check"/> for a container of <paramref name="spec"/> to <see cref="DetachedHealthCheck.PlanPath"/>.</summary>
    public static Task WriteAsync(DetachedHealthCheck check, RuntimeSpec spec, IReadOnlyList<string> cgroupProcessFiles, CancellationToken cancellationToken)
    {
        var process = check.Process;
        var root = spec.Root?.Path ?? throw new ArgumentException("The specification has no root.", nameof(spec));
        string executable;
        try
        {
            executable = ExecutableResolver.Resolve(root, process.Args[0], process.Env, process.Cwd);
        }
        catch (ContainerCommandException)
        {
            // Not there now (a volume may bring it): the monitor's execve fails and the check counts as failed, as Docker's would.
            executable = process.Args[0];
        }

        var seccomp = spec.Linux?.Seccomp is { } profile ? SeccompCompiler.Compile(profile) : ((byte[], int)?)null;
        var namespaces = ContainerNamespaces.Planned(spec);
        var joins = namespaces.Select((n, i) => (i, n.Flag)).Where(j => j.Flag != Libc.CLONE_NEWPID).ToList();
        var plan = SpawnPlanBuilder.BuildExec(process, executable, new StdioFds(Stdin, Output, Output), joins, seccomp);

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(MonitorPlanWriter.Nanoseconds(check.Check.Interval ?? HealthCheckConfig.DefaultInterval));
            writer.Write(MonitorPlanWriter.Nanoseconds(check.Check.Timeout ?? HealthCheckConfig.DefaultTimeout));
            writer.Write(MonitorPlanWriter.Nanoseconds(check.Check.StartPeriod ?? TimeSpan.Zero));
            writer.Write(MonitorPlanWriter.Nanoseconds(check.Check.StartInterval ?? HealthCheckConfig.DefaultStartInterval));
            writer.Write(namespaces.Count);
            foreach (var (file, flag) in namespaces)
            {
                writer.Write(flag);
                MonitorPlanWriter.WriteString(writer, file);
            }

            writer.Write(cgroupProcessFiles.Count);
            foreach (var file in cgroupProcessFiles)
            {
                MonitorPlanWriter.WriteString(writer, file);
            }

            MonitorPlanWriter.WriteSteps(writer, plan.Steps);
            MonitorPlanWriter.WriteProgram(writer, plan);
        }

        return AtomicFile.WriteAllBytesAsync(check.PlanPath, stream.ToArray(), cancellationToken);
    }
}
