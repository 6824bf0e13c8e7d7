using System.Runtime.InteropServices;
using System.Text;

namespace Containers.Linux.Native;

/// <summary>
/// Lays a <see cref="SpawnPlan"/> out in unmanaged memory as the C structures expect. The memory must live only
/// until <c>cn_spawn</c> returns: the child works on its own copy of the address space.
/// </summary>
internal sealed unsafe class NativePlanBuffer : IDisposable
{
    private readonly List<nint> _allocations = [];

    public NativePlanBuffer(SpawnPlan plan, int syncFd, int reportFd, int startFd, int joinPidNamespaceFd = 0)
    {
        var steps = (CnStep*)Allocate(sizeof(CnStep) * Math.Max(1, plan.Steps.Count));
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            steps[i] = new CnStep
            {
                Op = (int)step.Op,
                I0 = step.I0,
                I1 = step.I1,
                I2 = step.I2,
                U0 = step.U0,
                U1 = step.U1,
                S0 = String(step.S0),
                S1 = String(step.S1),
                S2 = String(step.S2),
                S3 = String(step.S3),
                P0 = step.Buffer is null ? null : Bytes(step.Buffer),
                N0 = step.N0,
            };
        }

        Plan = (CnPlan*)Allocate(sizeof(CnPlan));
        *Plan = new CnPlan
        {
            CloneFlags = plan.CloneFlags,
            StepCount = plan.Steps.Count,
            SyncFd = syncFd,
            ReportFd = reportFd,
            StartFd = startFd,
            ParentDeathSignal = plan.ParentDeathSignal,
            JoinPidNamespaceFd = joinPidNamespaceFd,
            Steps = steps,
            ExecPath = String(plan.ExecutablePath),
            Argv = StringArray(plan.Arguments),
            Envp = StringArray(plan.Environment),
        };
    }

    public CnPlan* Plan { get; }

    /// <summary>Lays out what <c>cn_spawn_monitored</c> execs after cloning the container.</summary>
    public CnMonitor* Monitor(string path, IReadOnlyList<string> arguments, int stdoutFd, int stderrFd, int pidFd, IReadOnlyList<string>? environment = null)
    {
        var monitor = (CnMonitor*)Allocate(sizeof(CnMonitor));
        *monitor = new CnMonitor
        {
            Path = String(path),
            Argv = StringArray(arguments),
            Envp = StringArray(environment ?? []),
            StdoutFd = stdoutFd,
            StderrFd = stderrFd,
            PidFd = pidFd,
        };
        return monitor;
    }

    public void Dispose()
    {
        foreach (var allocation in _allocations)
        {
            NativeMemory.Free((void*)allocation);
        }

        _allocations.Clear();
    }

    private void* Allocate(int bytes)
    {
        var memory = NativeMemory.AllocZeroed((nuint)bytes);
        _allocations.Add((nint)memory);
        return memory;
    }

    private byte* String(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var memory = (byte*)Allocate(length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(memory, length));
        return memory;
    }

    private byte* Bytes(byte[] value)
    {
        var memory = (byte*)Allocate(Math.Max(1, value.Length));
        value.CopyTo(new Span<byte>(memory, value.Length));
        return memory;
    }

    private byte** StringArray(IReadOnlyList<string> values)
    {
        var array = (byte**)Allocate(sizeof(byte*) * (values.Count + 1));
        for (var i = 0; i < values.Count; i++)
        {
            array[i] = String(values[i]);
        }

        return array;
    }
}
