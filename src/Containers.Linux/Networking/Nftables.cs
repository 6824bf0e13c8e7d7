using Containers.Linux.Interop;
using Containers.Linux.Networking.Nft;

namespace Containers.Linux.Networking;

/// <summary>Writes nftables tables to the kernel over nfnetlink, with no <c>nft</c> program involved.</summary>
internal static class Nftables
{
    /// <summary>Replaces the kernel's table of this name with <paramref name="table"/>, or deletes it, in one transaction.</summary>
    /// <exception cref="NetworkSetupException">The kernel refused a message; it names the table, chain or rule.</exception>
    public static void Replace(NftTable table, bool delete = false)
    {
        var batch = table.ReplaceBatch(delete);
        int[] answers;
        using (var netlink = Netlink.Open(Netlink.NETLINK_NETFILTER))
        {
            answers = netlink.TrySendAll(batch.Select(b => b.Message).ToList());
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

    private static string Describe(int errno) => errno switch
    {
        Errno.ENOENT or Errno.EOPNOTSUPP => Errno.Describe(errno) + " (the kernel may lack an nf_tables module: nf_tables, nft_nat, nft_fib_ipv4, nft_masq)",
        _ => Errno.Describe(errno),
    };
}
