using Containers.Oci;

namespace Containers.Images;

/// <summary>Orders the manifests of an index by how well they suit a platform, dropping those that do not run on it.</summary>
public static class PlatformSelector
{
    /// <summary>
    /// Returns the manifests that match <paramref name="platform"/>: exact variant matches first, then the rest in index order.
    /// Entries without a platform (attestations excluded) are kept last, as single-platform indexes often omit it.
    /// </summary>
    public static IEnumerable<Descriptor> Order(IReadOnlyList<Descriptor> manifests, Platform platform)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(platform);
        var matching = manifests.Where(m => m.Platform is { } p && platform.Matches(p)).ToList();
        var exact = matching.Where(m => m.Platform!.Variant == platform.Variant);
        var unlabelled = manifests.Where(m => m.Platform is null && m.GetAnnotation("vnd.docker.reference.type") is null);
        return exact.Concat(matching).Concat(unlabelled).Distinct();
    }
}
