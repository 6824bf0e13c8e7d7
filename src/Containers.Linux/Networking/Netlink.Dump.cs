using System.Buffers.Binary;
using Containers.Linux.Interop;

namespace Containers.Linux.Networking;

/// <summary>Dump requests: the kernel answers a list in as many datagrams as it needs, ended by <c>NLMSG_DONE</c>.</summary>
internal sealed unsafe partial class Netlink
{
    public const ushort NLM_F_DUMP = 0x300;
    private const ushort NLMSG_DONE = 3;

    /// <summary>Sends a dump request and returns the body (after the netlink header) of each answer.</summary>
    public List<byte[]> Dump(NetlinkMessage request, string step)
    {
        var sequence = ++_sequence;
        SendDatagram(request.ToArray(sequence), step);
        var answers = new List<byte[]>();
        var buffer = new byte[65536];
        while (true)
        {
            var received = Receive(buffer, 0, step);
            for (var offset = 0; offset + 16 <= received;)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 8));
                if (length < 16 || offset + length > received)
                {
                    break;
                }

                if (seq == sequence)
                {
                    if (type == NLMSG_DONE)
                    {
                        return answers;
                    }

                    if (type == NLMSG_ERROR)
                    {
                        var errno = -BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 16));
                        if (errno != 0)
                        {
                            throw new NetworkSetupException(step, Errno.Describe(errno));
                        }
                    }
                    else
                    {
                        answers.Add(buffer.AsSpan(offset + 16, length - 16).ToArray());
                    }
                }

                offset += (length + 3) & ~3;
            }
        }
    }

    /// <summary>Reads the attributes of a message body after its fixed header of <paramref name="headerLength"/> bytes.</summary>
    public static Dictionary<ushort, byte[]> Attributes(byte[] body, int headerLength)
    {
        var attributes = new Dictionary<ushort, byte[]>();
        for (var offset = headerLength; offset + 4 <= body.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(offset));
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(offset + 2)) & 0x3fff);
            if (length < 4 || offset + length > body.Length)
            {
                break;
            }

            attributes[type] = body.AsSpan(offset + 4, length - 4).ToArray();
            offset += (length + 3) & ~3;
        }

        return attributes;
    }
}
