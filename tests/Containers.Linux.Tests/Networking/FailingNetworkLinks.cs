using Containers.Linux.Interop;
using Containers.Linux.Networking;

namespace Containers.Linux.Tests.Networking;

/// <summary>
/// The real kernel's <see cref="INetworkLinks"/> with one operation (a member name) made to answer EPERM: the failure a
/// test cannot provoke on a healthy host, with everything before and after it done for real.
/// </summary>
internal sealed class FailingNetworkLinks(string failing) : INetworkLinks
{
    private readonly LinuxNetworkLinks _kernel = new();

    public Task InHostAsync(Action<IRtnetlink> requests) => _kernel.InHostAsync(links => requests(new Failing(links, failing)));

    public Task InNamespaceAsync(int pid, Action<IRtnetlink> requests) => _kernel.InNamespaceAsync(pid, links => requests(new Failing(links, failing)));

    public IReadOnlyList<NetworkLink> List() => _kernel.List();

    public int SetSysctl(string name, string value) => failing == nameof(SetSysctl) ? Errno.EPERM : _kernel.SetSysctl(name, value);

    private sealed class Failing(IRtnetlink kernel, string failing) : IRtnetlink
    {
        public int CreateBridge(string name) => Fails(nameof(CreateBridge)) ?? kernel.CreateBridge(name);

        public int CreateVethPair(string name, string peerName, int peerPid) => Fails(nameof(CreateVethPair)) ?? kernel.CreateVethPair(name, peerName, peerPid);

        public int DeleteLink(string name) => Fails(nameof(DeleteLink)) ?? kernel.DeleteLink(name);

        public int DeleteLink(int index) => Fails(nameof(DeleteLink)) ?? kernel.DeleteLink(index);

        public int IndexOf(string name) => Fails(nameof(IndexOf)) is null ? kernel.IndexOf(name) : 0;

        public int SetAlias(int index, string alias) => Fails(nameof(SetAlias)) ?? kernel.SetAlias(index, alias);

        public int SetUp(int index) => Fails(nameof(SetUp)) ?? kernel.SetUp(index);

        public int AddToBridge(int index, int bridgeIndex, string alias) => Fails(nameof(AddToBridge)) ?? kernel.AddToBridge(index, bridgeIndex, alias);

        public int AddAddress(int index, uint address, int prefixLength, uint broadcast) => Fails(nameof(AddAddress)) ?? kernel.AddAddress(index, address, prefixLength, broadcast);

        public int AddDefaultRoute(uint gateway, int index) => Fails(nameof(AddDefaultRoute)) ?? kernel.AddDefaultRoute(gateway, index);

        private int? Fails(string operation) => operation == failing ? Errno.EPERM : null;
    }
}
