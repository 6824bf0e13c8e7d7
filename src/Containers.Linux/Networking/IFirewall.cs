using Containers.Linux.Networking.Nft;

namespace Containers.Linux.Networking;

/// <summary>The nftables tables of the host's network namespace, each written whole in one transaction.</summary>
/// <remarks>A seam as <see cref="INetworkLinks"/> is: <see cref="Nftables"/> talks to the kernel, tests pass a fake that keeps the tables.</remarks>
internal interface IFirewall
{
    /// <summary>
    /// Replaces the kernel's <c>ip</c> table of <paramref name="table"/>'s name with it, or, when <paramref name="delete"/>,
    /// deletes that table (one that is absent already is fine); the kernel applies all of it or nothing.
    /// </summary>
    /// <exception cref="NetworkSetupException">The kernel refused a message; it names the table, chain or rule.</exception>
    void Replace(NftTable table, bool delete = false);
}
