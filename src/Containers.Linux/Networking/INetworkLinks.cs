namespace Containers.Linux.Networking;

/// <summary>
/// The network namespaces the engine's own process configures: rtnetlink sockets in the host's namespace or in a
/// container's, the host's list of interfaces, and the host namespace's sysctls.
/// </summary>
/// <remarks>
/// A syscall seam in youki's manner, passed in by the caller: <see cref="LinuxNetworkLinks"/> asks the kernel, and tests
/// pass an in-memory fake, so the bridge driver's logic (what is created, labelled, rolled back and deleted) runs without
/// root, next to the tests that run it against the real kernel. Firewall rules have their own seam, <see cref="IFirewall"/>.
/// </remarks>
internal interface INetworkLinks
{
    /// <summary>Runs <paramref name="requests"/> with an rtnetlink socket in the host's network namespace; one at a time in this process.</summary>
    /// <exception cref="NetworkSetupException">No socket could be opened.</exception>
    Task InHostAsync(Action<IRtnetlink> requests);

    /// <summary>
    /// Runs <paramref name="requests"/> on a dedicated thread that entered (setns(2)) the network namespace of process
    /// <paramref name="pid"/>, with an rtnetlink socket there; no thread is left in that namespace afterwards.
    /// </summary>
    /// <exception cref="NetworkSetupException">The namespace could not be entered (the process is gone) or no socket opened.</exception>
    Task InNamespaceAsync(int pid, Action<IRtnetlink> requests);

    /// <summary>Lists the host's interfaces as sysfs shows them (<c>/sys/class/net</c>); one that goes away meanwhile is left out.</summary>
    IReadOnlyList<NetworkLink> List();

    /// <summary>
    /// Sets a sysctl of the host's network namespace, named by its path under <c>/proc/sys</c> (<c>net/ipv4/ip_forward</c>),
    /// unless it has the value already; returns 0 or the errno (ENOENT when there is no such sysctl, as for a missing link).
    /// </summary>
    int SetSysctl(string name, string value);
}
