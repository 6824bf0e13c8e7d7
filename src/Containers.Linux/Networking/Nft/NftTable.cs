using static Containers.Linux.Networking.Nft.NftConstants;

namespace Containers.Linux.Networking.Nft;

/// <summary>
/// One IPv4 nftables table, its chains and rules, and the transaction that replaces whatever table of that name the
/// kernel holds with it.
/// </summary>
internal sealed class NftTable
{
    private readonly List<NftChain> _chains = [];
    private readonly List<NftRule> _rules = [];

    public NftTable(string name) => Name = name;

    public string Name { get; }

    /// <summary>Gets the table's comment (its user data, as <c>nft</c> writes and shows it): the owning root's label.</summary>
    public string? Comment { get; private set; }

    public IReadOnlyList<NftChain> Chains => _chains;

    public IReadOnlyList<NftRule> Rules => _rules;

    public NftTable Add(NftChain chain)
    {
        _chains.Add(chain);
        return this;
    }

    /// <summary>Sets the comment the table is created with.</summary>
    public NftTable WithComment(string comment)
    {
        Comment = comment;
        return this;
    }

    /// <summary>Appends a rule to the end of its chain.</summary>
    public NftTable Add(NftRule rule)
    {
        if (_chains.All(c => c.Name != rule.Chain))
        {
            throw new ArgumentException($"table {Name} has no chain {rule.Chain}", nameof(rule));
        }

        _rules.Add(rule);
        return this;
    }

    /// <summary>
    /// Returns one batch that deletes the table if present and, unless <paramref name="delete"/>, creates it anew with
    /// its chains and rules: the kernel commits all of it or none, so no packet sees a half-written firewall.
    /// </summary>
    /// <returns>The messages, each paired with what it does for error messages.</returns>
    public IReadOnlyList<(NetlinkMessage Message, string Step)> ReplaceBatch(bool delete = false)
    {
        var batch = new List<(NetlinkMessage, string)>
        {
            (new NetlinkMessage(NFNL_MSG_BATCH_BEGIN, Netlink.NLM_F_REQUEST).NfGen(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES), "opening the nftables transaction"),

            // Creating before deleting makes the deletion succeed whether or not the table existed.
            (Message(NFT_MSG_NEWTABLE, Netlink.NLM_F_CREATE).String(NFTA_TABLE_NAME, Name), $"creating table ip {Name}"),
            (Message(NFT_MSG_DELTABLE, 0).String(NFTA_TABLE_NAME, Name), $"deleting table ip {Name}"),
        };
        if (!delete)
        {
            var create = Message(NFT_MSG_NEWTABLE, Netlink.NLM_F_CREATE).String(NFTA_TABLE_NAME, Name);
            if (Comment is not null)
            {
                create.Attribute(NFTA_TABLE_USERDATA, CommentUserData(Comment));
            }

            batch.Add((create, $"creating table ip {Name}"));
            foreach (var chain in _chains)
            {
                var message = Message(NFT_MSG_NEWCHAIN, Netlink.NLM_F_CREATE).String(NFTA_CHAIN_TABLE, Name).String(NFTA_CHAIN_NAME, chain.Name);
                if (chain.IsBase)
                {
                    message.BeginNest(NFTA_CHAIN_HOOK, flagged: true)
                        .BigEndian32(NFTA_HOOK_HOOKNUM, chain.Hook)
                        .BigEndian32(NFTA_HOOK_PRIORITY, unchecked((uint)chain.Priority))
                        .EndNest()
                        .BigEndian32(NFTA_CHAIN_POLICY, NF_ACCEPT)
                        .String(NFTA_CHAIN_TYPE, chain.Type!);
                }

                batch.Add((message, $"creating chain {chain.Name}"));
            }

            foreach (var rule in _rules)
            {
                var message = Message(NFT_MSG_NEWRULE, Netlink.NLM_F_CREATE | NLM_F_APPEND)
                    .String(NFTA_RULE_TABLE, Name)
                    .String(NFTA_RULE_CHAIN, rule.Chain)
                    .BeginNest(NFTA_RULE_EXPRESSIONS, flagged: true);
                foreach (var expression in rule.Expressions)
                {
                    expression.WriteTo(message);
                }

                batch.Add((message.EndNest(), $"adding rule '{rule}' to chain {rule.Chain}"));
            }
        }

        batch.Add((new NetlinkMessage(NFNL_MSG_BATCH_END, Netlink.NLM_F_REQUEST).NfGen(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES), "committing the nftables transaction"));
        return batch;
    }

    /// <summary>Returns the table as <c>nft list table</c> prints it, without handles or counters.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder($"table ip {Name} {{\n");
        foreach (var chain in _chains)
        {
            if (chain != _chains[0])
            {
                text.Append('\n');
            }

            text.Append("\tchain ").Append(chain.Name).Append(" {\n");
            if (chain.IsBase)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\t\ttype {chain.Type} hook {HookName(chain.Hook)} priority {PriorityName(chain)}; policy accept;\n");
            }

            foreach (var rule in _rules.Where(r => r.Chain == chain.Name))
            {
                text.Append("\t\t").Append(rule).Append('\n');
            }

            text.Append("\t}\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>Encodes a comment as libnftnl's user data: a type-length-value entry of type 0 holding the text and a NUL.</summary>
    internal static byte[] CommentUserData(string comment)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(comment);
        var length = Math.Min(text.Length, 253);
        var data = new byte[length + 3];
        data[0] = NFTNL_UDATA_TABLE_COMMENT;
        data[1] = (byte)(length + 1);
        text.AsSpan(0, length).CopyTo(data.AsSpan(2));
        return data;
    }

    /// <summary>Decodes the comment from a table's user data; <see langword="null"/> when it has none.</summary>
    internal static string? ParseComment(ReadOnlySpan<byte> userData)
    {
        while (userData.Length >= 2)
        {
            var length = userData[1];
            if (userData.Length < 2 + length)
            {
                return null;
            }

            if (userData[0] == NFTNL_UDATA_TABLE_COMMENT)
            {
                return System.Text.Encoding.UTF8.GetString(userData.Slice(2, length)).TrimEnd('\0');
            }

            userData = userData[(2 + length)..];
        }

        return null;
    }

    private static NetlinkMessage Message(ushort type, ushort flags) =>
        new NetlinkMessage((ushort)((NFNL_SUBSYS_NFTABLES << 8) | type), (ushort)(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | flags)).NfGen(NFPROTO_IPV4);

    private static string HookName(uint hook) => hook switch
    {
        NF_INET_PRE_ROUTING => "prerouting",
        NF_INET_FORWARD => "forward",
        NF_INET_LOCAL_OUT => "output",
        NF_INET_POST_ROUTING => "postrouting",
        _ => hook.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // nft names the standard priorities of each chain type.
    private static string PriorityName(NftChain chain) => (chain.Type, chain.Priority) switch
    {
        ("nat", -100) when chain.Hook == NF_INET_PRE_ROUTING => "dstnat",
        ("nat", 100) when chain.Hook == NF_INET_POST_ROUTING => "srcnat",
        ("filter", 0) => "filter",
        _ => chain.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
