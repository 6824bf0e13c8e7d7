using System.Text;
using Containers.Images;

namespace Containers.Storage;

/// <summary>
/// Computes chain IDs: the identity of a layer together with every layer below it, so identical stacks are unpacked once.
/// </summary>
/// <remarks><c>ChainID(L0) = DiffID(L0)</c>; <c>ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))</c>, as the OCI image specification defines.</remarks>
public static class ChainId
{
    /// <summary>Returns the chain ID of a layer with diff ID <paramref name="diffId"/> on the layers whose chain ID is <paramref name="parent"/> (none for a base layer).</summary>
    public static Digest Next(Digest? parent, Digest diffId)
    {
        ArgumentNullException.ThrowIfNull(diffId);
        return parent is null ? diffId : Digest.Compute(Encoding.ASCII.GetBytes(parent + " " + diffId));
    }

    /// <summary>Returns the chain ID of every prefix of <paramref name="diffIds"/> (base layer first).</summary>
    public static IReadOnlyList<Digest> Compute(IReadOnlyList<Digest> diffIds)
    {
        ArgumentNullException.ThrowIfNull(diffIds);
        var chain = new List<Digest>(diffIds.Count);
        foreach (var diffId in diffIds)
        {
            chain.Add(Next(chain.Count == 0 ? null : chain[^1], diffId));
        }

        return chain;
    }
}
