namespace Containers.Linux.Networking;

/// <summary>Reports a kernel network operation (netlink, nftables, sysctl) that failed, naming the step and the error.</summary>
public sealed class NetworkSetupException : ContainersException
{
    /// <summary>Initializes a new instance for the failed step and its detail.</summary>
    public NetworkSetupException(string step, string detail)
        : base($"Network setup failed while {step}: {detail}. The engine needs root (CAP_NET_ADMIN) and, for NAT and published ports, nftables; a container that needs no network can use network mode none (ContainersOptions.DefaultNetwork sets the default).")
    {
        Step = step;
    }

    /// <summary>Gets the step that failed.</summary>
    public string Step { get; }
}
