using System.Globalization;
using Containers.Linux.Interop;
using Containers.Linux.Networking;
using Containers.Networks;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>The <see cref="IRtnetlink"/> of one <see cref="FakeNetworkKernel"/> namespace, answering as the kernel does.</summary>
internal sealed class FakeRtnetlink(FakeNetworkKernel kernel, FakeNamespace ns) : IRtnetlink
{
    public int CreateBridge(string name) => Do(nameof(CreateBridge), name, () =>
    {
        if (ns.Find(name) is not null)
        {
            return Errno.EEXIST;
        }

        kernel.Add(ns, name, "bridge");
        return 0;
    });

    public int CreateVethPair(string name, string peerName, int peerPid) => Do(nameof(CreateVethPair), name, () =>
    {
        if (!kernel.TryGetNamespace(peerPid, out var target))
        {
            return Errno.ESRCH;
        }

        if (ns.Find(name) is not null || target.Find(peerName) is not null)
        {
            return Errno.EEXIST;
        }

        var here = kernel.Add(ns, name, "veth");
        var there = kernel.Add(target, peerName, "veth");
        (here.Peer, there.Peer) = (there, here);
        return 0;
    });

    public int DeleteLink(string name) => Do(nameof(DeleteLink), name, () => Delete(ns.Find(name)));

    public int DeleteLink(int index) => Do(nameof(DeleteLink), NameOf(index), () => Delete(ns.Find(index)));

    public int IndexOf(string name)
    {
        // if_nametoindex answers 0 for "none"; an injected failure reads as none too.
        var index = 0;
        var errno = Do(nameof(IndexOf), name, () =>
        {
            index = ns.Find(name)?.Index ?? 0;
            return 0;
        });
        return errno == 0 ? index : 0;
    }

    public int SetAlias(int index, string alias) => Do(nameof(SetAlias), NameOf(index), () => On(index, link => link.Alias = alias));

    public int SetUp(int index) => Do(nameof(SetUp), NameOf(index), () => On(index, link => link.Up = true));

    public int AddToBridge(int index, int bridgeIndex, string alias) => Do(nameof(AddToBridge), NameOf(index), () =>
    {
        if (ns.Find(bridgeIndex) is not { Kind: "bridge" })
        {
            return Errno.EINVAL;
        }

        return On(index, link => (link.Master, link.Up, link.Alias) = (bridgeIndex, true, alias));
    });

    public int AddAddress(int index, uint address, int prefixLength, uint broadcast) => Do(nameof(AddAddress), NameOf(index), () =>
    {
        var text = Ipv4Subnet.FormatAddress(address) + "/" + prefixLength.ToString(CultureInfo.InvariantCulture);
        if (ns.Find(index) is { } link && link.Addresses.Contains(text))
        {
            return Errno.EEXIST;
        }

        return On(index, link => link.Addresses.Add(text));
    });

    public int AddDefaultRoute(uint gateway, int index) => Do(nameof(AddDefaultRoute), NameOf(index), () =>
    {
        if (ns.Find(index) is not { } link)
        {
            return Errno.ENODEV;
        }

        if (!link.Up)
        {
            return FakeNetworkKernel.ENETDOWN;
        }

        if (!link.Reaches(gateway))
        {
            return FakeNetworkKernel.ENETUNREACH;
        }

        if (ns.DefaultRoute is not null)
        {
            return Errno.EEXIST;
        }

        ns.DefaultRoute = $"via {Ipv4Subnet.FormatAddress(gateway)} dev {link.Name}";
        return 0;
    });

    private int Do(string operation, string subject, Func<int> act)
    {
        lock (kernel.Gate)
        {
            return kernel.Answer(ns, operation, subject, act);
        }
    }

    private int On(int index, Action<FakeLink> change)
    {
        if (ns.Find(index) is not { } link)
        {
            return Errno.ENODEV;
        }

        change(link);
        return 0;
    }

    private int Delete(FakeLink? link)
    {
        if (link is null)
        {
            return Errno.ENODEV;
        }

        kernel.Remove(link);
        return 0;
    }

    private string NameOf(int index)
    {
        lock (kernel.Gate)
        {
            return ns.Find(index)?.Name ?? "#" + index.ToString(CultureInfo.InvariantCulture);
        }
    }
}
