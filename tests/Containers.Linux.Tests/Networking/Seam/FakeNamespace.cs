namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>One network namespace of a <see cref="FakeNetworkKernel"/>: the host's (process 0 here) or a container process's.</summary>
internal sealed class FakeNamespace(int pid)
{
    /// <summary>Gets the process whose namespace this is; 0 for the host's.</summary>
    public int Pid { get; } = pid;

    public List<FakeLink> Links { get; } = [];

    /// <summary>Gets or sets the default route as <c>via a.b.c.d dev name</c>, or null when there is none.</summary>
    public string? DefaultRoute { get; set; }

    /// <summary>Gets the sysctls written, by their path under <c>/proc/sys</c>.</summary>
    public Dictionary<string, string> Sysctls { get; } = new(StringComparer.Ordinal);

    public FakeLink? Find(string name) => Links.FirstOrDefault(l => l.Name == name);

    public FakeLink? Find(int index) => Links.FirstOrDefault(l => l.Index == index);

    public override string ToString() => Pid == 0 ? "host" : "pid " + Pid;
}
