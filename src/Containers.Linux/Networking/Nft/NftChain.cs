namespace Containers.Linux.Networking.Nft;

/// <summary>
/// A chain of an nftables table: a regular chain reached by jumps, or a base chain attached to a netfilter hook with a
/// type (<c>nat</c>, <c>filter</c>), priority and accepting policy.
/// </summary>
internal sealed record NftChain(string Name, string? Type = null, uint Hook = 0, int Priority = 0)
{
    /// <summary>Gets whether the chain is attached to a hook.</summary>
    public bool IsBase => Type is not null;
}
