using System.Runtime.InteropServices;

namespace Containers.Linux.Native;

/// <summary>Declares the entry points of <c>libcontainers_native.so</c>, built from Native/*.c by the project.</summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "containers_native";

    /// <summary>Clones a child that runs <paramref name="plan"/>; returns its pid or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "cn_spawn")]
    public static partial int Spawn(CnPlan* plan);

    /// <summary>Forks a monitor that clones the container of <paramref name="plan"/> and execs the monitor program; returns the monitor's pid or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "cn_spawn_monitored")]
    public static partial int SpawnMonitored(CnPlan* plan, CnMonitor* monitor);

    /// <summary>Blocks until the child exits; <paramref name="status"/> gets its exit code or 128 + signal.</summary>
    [LibraryImport(Library, EntryPoint = "cn_wait")]
    public static partial int Wait(int pid, out int status);
}
