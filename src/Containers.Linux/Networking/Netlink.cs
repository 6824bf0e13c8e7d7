using System.Buffers.Binary;
using Containers.Linux.Interop;

namespace Containers.Linux.Networking;

/// <summary>
/// A netlink socket (rtnetlink by default, or nfnetlink for nftables): sends a request, or a batch, and waits for the
/// kernel's acknowledgements. A socket opened inside a network namespace keeps acting on that namespace, which is how
/// container interfaces are configured without <c>ip</c>.
/// </summary>
internal sealed unsafe partial class Netlink : IDisposable
{
    public const byte AF_INET = 2;
    public const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_NEWROUTE = 24;
    public const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    public const ushort IFLA_IFNAME = 3, IFLA_MASTER = 10, IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1;
    public const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_BROADCAST = 4;
    public const ushort RTA_OIF = 4, RTA_GATEWAY = 5;
    public const uint IFF_UP = 1;
    public const int NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12;
    private const int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, MSG_DONTWAIT = 0x40;
    private const int SOL_SOCKET = 1, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;
    private const ushort NLMSG_ERROR = 2;

    private readonly int _fd;
    private uint _sequence;

    private Netlink(int fd) => _fd = fd;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static Netlink Open(int protocol = NETLINK_ROUTE)
    {
        var fd = Libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new NetworkSetupException("opening a netlink socket", Errno.Describe(Errno.Last));
        }

        Span<byte> address = stackalloc byte[12];
        address.Clear();
        address[0] = AF_NETLINK;
        fixed (byte* a = address)
        {
            if (Libc.bind(fd, a, 12) < 0)
            {
                var errno = Errno.Last;
                Libc.close(fd);
                throw new NetworkSetupException("binding a netlink socket", Errno.Describe(errno));
            }
        }

        return new Netlink(fd);
    }

    /// <summary>Sends a request and waits for its acknowledgement; returns the errno the kernel answered (0 on success).</summary>
    public int TrySend(NetlinkMessage message)
    {
        var sequence = ++_sequence;
        SendDatagram(message.ToArray(sequence), "sending a netlink request");
        var buffer = new byte[65536];
        while (true)
        {
            var received = Receive(buffer, 0, "reading a netlink answer");
            for (var offset = 0; offset + 16 <= received;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8));
                if (type == NLMSG_ERROR && seq == sequence)
                {
                    return -BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 16));
                }

                offset += (length + 3) & ~3;
                if (length < 16)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Sends messages in one datagram, as an nfnetlink batch must travel, and returns each one's answer: 0 when
    /// acknowledged, the errno when refused, or -1 when the kernel said nothing about it.
    /// </summary>
    /// <remarks>
    /// The kernel handles a datagram while <c>send</c> runs, so every answer is queued by the time it returns; reading
    /// until the socket is empty collects them all without a timeout.
    /// </remarks>
    public int[] TrySendAll(IReadOnlyList<NetlinkMessage> messages)
    {
        var first = _sequence + 1;
        var bytes = messages.SelectMany(m => m.ToArray(++_sequence)).ToArray();

        // The kernel refuses a datagram larger than the socket's send buffer (about 200 KiB by default), and the answers
        // must fit the receive buffer: a firewall with a few thousand published ports needs more.
        var size = Math.Max(bytes.Length, messages.Count * 64) * 2;
        if (size > 200 * 1024)
        {
            SetBuffer(SO_SNDBUFFORCE, size);
            SetBuffer(SO_RCVBUFFORCE, size);
        }

        SendDatagram(bytes, "sending a netlink batch");
        var answers = Enumerable.Repeat(-1, messages.Count).ToArray();
        var buffer = new byte[65536];
        while (true)
        {
            var received = Receive(buffer, MSG_DONTWAIT, "reading a netlink answer");
            if (received < 0)
            {
                return answers;
            }

            for (var offset = 0; offset + 20 <= received;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                var index = (long)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8)) - first;
                if (type == NLMSG_ERROR && index >= 0 && index < answers.Length)
                {
                    answers[index] = -BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 16));
                }

                if (length < 16)
                {
                    break;
                }

                offset += (length + 3) & ~3;
            }
        }
    }

    /// <summary>Sends a request and throws when the kernel refuses it, unless the errno is one of <paramref name="ignored"/>.</summary>
    public void Send(NetlinkMessage message, string step, params int[] ignored)
    {
        var errno = TrySend(message);
        if (errno != 0 && !ignored.Contains(errno))
        {
            throw new NetworkSetupException(step, Errno.Describe(errno));
        }
    }

    public void Dispose() => Libc.close(_fd);

    /// <summary>Sends one datagram; throws naming <paramref name="step"/> when the socket refuses it.</summary>
    private void SendDatagram(byte[] bytes, string step)
    {
        fixed (byte* b = bytes)
        {
            if (Libc.send(_fd, b, bytes.Length, 0) < 0)
            {
                throw new NetworkSetupException(step, Errno.Describe(Errno.Last));
            }
        }
    }

    /// <summary>
    /// Receives one datagram into <paramref name="buffer"/>, again after EINTR; returns its length, or -1 when
    /// <paramref name="flags"/> has MSG_DONTWAIT and nothing is left to read.
    /// </summary>
    private int Receive(byte[] buffer, int flags, string step)
    {
        while (true)
        {
            nint received;
            fixed (byte* b = buffer)
            {
                received = Libc.recv(_fd, b, buffer.Length, flags);
            }

            if (received >= 0)
            {
                return (int)received;
            }

            var errno = Errno.Last;
            if (errno == Errno.EAGAIN && (flags & MSG_DONTWAIT) != 0)
            {
                return -1;
            }

            if (errno != Errno.EINTR)
            {
                throw new NetworkSetupException(step, Errno.Describe(errno));
            }
        }
    }

    private void SetBuffer(int option, int size)
    {
        if (Libc.setsockopt(_fd, SOL_SOCKET, option, &size, sizeof(int)) < 0)
        {
            throw new NetworkSetupException("enlarging a netlink socket's buffers", Errno.Describe(Errno.Last));
        }
    }
}
