using Containers.Linux.Interop;
using Containers.Linux.Networking.Nft;

namespace Containers.Linux.Networking;

/// <summary>Writes nftables tables to the kernel over one long-lived nfnetlink socket, with no <c>nft</c> program involved.</summary>
/// <remarks>
/// The socket is kept because closing one costs the caller a kernel grace period (11-15 ms here): nf_tables looks for
/// tables the closing socket owned. That wait was most of a bridged container's start and exit before.
/// </remarks>
internal sealed class Nftables : IFirewall, IDisposable
{
    private readonly Lock _gate = new();
    private Netlink? _socket;

    /// <inheritdoc/>
    public void Replace(NftTable table, bool delete = false)
    {
        var batch = table.ReplaceBatch(delete);
        int[] answers;
        lock (_gate)
        {
            // Opened on first use by the engine's own threads, so in the host's network namespace.
            _socket ??= Netlink.Open(Netlink.NETLINK_NETFILTER);
            try
            {
                answers = _socket.TrySendAll(batch.Select(b => b.Message).ToList());
            }
            catch (NetworkSetupException)
            {
                _socket.Dispose();
                _socket = null;
                throw;
            }
        }

        // Every message is answered, so the first refusal is the cause; those after it were only rolled back.
        for (var i = 0; i < batch.Count; i++)
        {
            if (answers[i] > 0)
            {
                throw new NetworkSetupException(batch[i].Step, Describe(answers[i]));
            }
        }

        for (var i = 1; i < batch.Count - 1; i++)
        {
            if (answers[i] < 0)
            {
                throw new NetworkSetupException(batch[i].Step, "the kernel did not answer (is nf_tables available?)");
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }

    private static string Describe(int errno) => errno switch
    {
        Errno.ENOENT or Errno.EOPNOTSUPP => Errno.Describe(errno) + " (the kernel may lack an nf_tables module: nf_tables, nft_nat, nft_fib_ipv4, nft_masq)",
        _ => Errno.Describe(errno),
    };
}
