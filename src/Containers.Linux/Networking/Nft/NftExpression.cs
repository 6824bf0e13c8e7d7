namespace Containers.Linux.Networking.Nft;

/// <summary>One nf_tables expression of a rule: its kernel name and a writer for its attributes.</summary>
internal sealed record NftExpression(string Name, Action<NetlinkMessage> WriteData)
{
    /// <summary>Appends this expression as an element of a rule's expression list.</summary>
    public void WriteTo(NetlinkMessage message)
    {
        message.BeginNest(NftConstants.NFTA_LIST_ELEM, flagged: true).String(NftConstants.NFTA_EXPR_NAME, Name);
        message.BeginNest(NftConstants.NFTA_EXPR_DATA, flagged: true);
        WriteData(message);
        message.EndNest().EndNest();
    }
}
