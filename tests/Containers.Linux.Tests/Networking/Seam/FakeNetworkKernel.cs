using Containers.Linux.Interop;
using Containers.Linux.Networking;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>
/// An in-memory <see cref="INetworkLinks"/> for tests without root: the host's namespace and one per container
/// process, each with its links (name, index, kind, alias, up, master, addresses, veth peer), default route and sysctls,
/// answering with the errnos the kernel answers. Every call is recorded; any call can be made to fail.
/// </summary>
internal sealed class FakeNetworkKernel : INetworkLinks
{
    public const int ENETDOWN = 100;
    public const int ENETUNREACH = 101;

    private readonly Dictionary<int, FakeNamespace> _namespaces = [];
    private readonly List<(string Operation, string? Subject, int Errno, int Times)> _failures = [];
    private int _nextIndex = 1;

    public FakeNetworkKernel()
    {
        Host = AddNamespace(0);
    }

    public FakeNamespace Host { get; }

    /// <summary>Gets the calls made, in order.</summary>
    public List<NetworkCall> Calls { get; } = [];

    /// <summary>Gets the lock every call holds, as the kernel serializes rtnetlink.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>Starts a container process: a new network namespace with only a loopback interface.</summary>
    public FakeNamespace AddProcess(int pid) => AddNamespace(pid);

    /// <summary>Ends a container process: its namespace goes, and with it both ends of every veth pair that had an end there.</summary>
    public void EndProcess(int pid)
    {
        lock (Gate)
        {
            var dying = _namespaces[pid];
            foreach (var link in dying.Links.Where(l => l.Peer is not null).ToList())
            {
                Remove(link.Peer!);
            }

            _namespaces.Remove(pid);
        }
    }

    /// <summary>
    /// Makes the next <paramref name="times"/> calls of <paramref name="operation"/> (a member name) answer
    /// <paramref name="errno"/>; only those on <paramref name="subject"/> (a link, a sysctl, a process ID) when given.
    /// </summary>
    public void Fail(string operation, string? subject = null, int errno = Errno.EPERM, int times = int.MaxValue)
    {
        lock (Gate)
        {
            _failures.Add((operation, subject, errno, times));
        }
    }

    /// <summary>Returns a namespace's links: the host's, or a container process's.</summary>
    public IReadOnlyList<FakeLink> Links(int pid = 0)
    {
        lock (Gate)
        {
            return _namespaces.TryGetValue(pid, out var ns) ? [.. ns.Links] : [];
        }
    }

    public FakeNamespace Namespace(int pid) => _namespaces[pid];

    /// <summary>Adds a link as something other than the engine made it (another tool, a process killed half-way).</summary>
    public FakeLink AddLink(string name, string kind, string alias = "", int pid = 0)
    {
        lock (Gate)
        {
            return Add(_namespaces[pid], name, kind, alias);
        }
    }

    public Task InHostAsync(Action<IRtnetlink> requests) => Run(Host, requests);

    public Task InNamespaceAsync(int pid, Action<IRtnetlink> requests)
    {
        FakeNamespace? ns;
        int errno;
        lock (Gate)
        {
            errno = Answer(Host, nameof(InNamespaceAsync), pid.ToString(System.Globalization.CultureInfo.InvariantCulture), () => 0);
            ns = errno == 0 ? _namespaces.GetValueOrDefault(pid) : null;
        }

        // As setns(2) on a process that is gone: its /proc/<pid>/ns/net cannot be opened.
        return ns is null
            ? Task.FromException(new NetworkSetupException($"opening the network namespace of process {pid}", Errno.Describe(errno == 0 ? Errno.ENOENT : errno)))
            : Run(ns, requests);
    }

    public IReadOnlyList<NetworkLink> List()
    {
        lock (Gate)
        {
            return Host.Links.Select(l => new NetworkLink(l.Name, l.Index, l.Kind == "bridge", l.Alias)).ToList();
        }
    }

    public int SetSysctl(string name, string value)
    {
        lock (Gate)
        {
            return Answer(Host, nameof(SetSysctl), name, () =>
            {
                // net/ipv4/conf/<link>/... exists only while the link does.
                var parts = name.Split('/');
                if (parts is ["net", "ipv4", "conf", var link, ..] && link is not ("all" or "default") && Host.Find(link) is null)
                {
                    return Errno.ENOENT;
                }

                Host.Sysctls[name] = value;
                return 0;
            });
        }
    }

    /// <summary>Records a call, then answers the injected errno if one matches, else what <paramref name="act"/> answers.</summary>
    internal int Answer(FakeNamespace ns, string operation, string subject, Func<int> act)
    {
        var index = _failures.FindIndex(f => f.Operation == operation && (f.Subject is null || f.Subject == subject) && f.Times > 0);
        int errno;
        if (index >= 0)
        {
            var failure = _failures[index];
            _failures[index] = failure with { Times = failure.Times - 1 };
            errno = failure.Errno;
        }
        else
        {
            errno = act();
        }

        Calls.Add(new NetworkCall(ns.ToString(), operation, subject, errno));
        return errno;
    }

    internal FakeLink Add(FakeNamespace ns, string name, string kind, string alias = "")
    {
        var link = new FakeLink { Name = name, Index = _nextIndex++, Kind = kind, Namespace = ns, Alias = alias };
        ns.Links.Add(link);
        return link;
    }

    internal bool TryGetNamespace(int pid, out FakeNamespace ns) => _namespaces.TryGetValue(pid, out ns!);

    /// <summary>Removes a link as the kernel does: a veth's peer goes too, a bridge's ports lose their master, routes through it go.</summary>
    internal void Remove(FakeLink link)
    {
        foreach (var gone in link.Peer is { } peer ? new[] { link, peer } : [link])
        {
            gone.Namespace.Links.Remove(gone);
            foreach (var port in gone.Namespace.Links.Where(l => l.Master == gone.Index))
            {
                port.Master = 0;
            }

            if (gone.Namespace.DefaultRoute?.EndsWith(" dev " + gone.Name, StringComparison.Ordinal) == true)
            {
                gone.Namespace.DefaultRoute = null;
            }
        }
    }

    private FakeNamespace AddNamespace(int pid)
    {
        lock (Gate)
        {
            var ns = new FakeNamespace(pid);
            _namespaces.Add(pid, ns);
            if (pid != 0)
            {
                Add(ns, "lo", "loopback");
            }

            return ns;
        }
    }

    private Task Run(FakeNamespace ns, Action<IRtnetlink> requests)
    {
        try
        {
            requests(new FakeRtnetlink(this, ns));
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }
}
