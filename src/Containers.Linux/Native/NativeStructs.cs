using System.Runtime.InteropServices;

namespace Containers.Linux.Native;

/// <summary>Mirrors <c>struct cn_step</c> in containers_native.h: one syscall of the child's plan.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CnStep
{
    public int Op;
    public int I0;
    public int I1;
    public int I2;
    public ulong U0;
    public ulong U1;
    public byte* S0;
    public byte* S1;
    public byte* S2;
    public byte* S3;
    public void* P0;
    public ulong N0;
}

/// <summary>Mirrors <c>struct cn_plan</c>: what the child does between clone and execve.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CnPlan
{
    public ulong CloneFlags;
    public int StepCount;
    public int SyncFd;
    public int ReportFd;
    public int StartFd;
    public int ParentDeathSignal;
    public int JoinPidNamespaceFd;
    public CnStep* Steps;
    public byte* ExecPath;
    public byte** Argv;
    public byte** Envp;
}

/// <summary>Mirrors <c>struct cn_monitor</c>: the program a detached container's monitor execs and the pipe ends it keeps.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CnMonitor
{
    public byte* Path;
    public byte** Argv;
    public byte** Envp;
    public int StdoutFd;
    public int StderrFd;
    public int PidFd;
    public int Reserved;
}

/// <summary>Mirrors <c>struct cn_report</c>: the child's "ready" or "step N failed with errno E".</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CnReport
{
    public const int Ready = 1;

    /// <summary>The child paused for the runtime's hooks (CN_AWAIT_PARENT) and waits for a byte on the sync pipe.</summary>
    public const int Hooks = 3;
    public const int Error = 2;

    /// <summary>The child cloned its successor into a new pid namespace (CN_CLONE_PIDNS) and exited; <see cref="Errno"/> holds the successor's pid.</summary>
    public const int Reborn = 4;

    public int Kind;
    public int Step;
    public int Errno;
}
