using Containers.Oci;

namespace Containers.Images;

/// <summary>Reads and writes the image name stored on an <c>index.json</c> entry.</summary>
internal static class ImageNames
{
    /// <summary>
    /// Gets the full image name of an entry: containerd's annotation when present, else <c>ref.name</c> when it is a
    /// full reference. A bare tag (as <c>skopeo copy ... oci:dir:tag</c> writes) names no repository, so it gives none.
    /// </summary>
    public static ImageReference? FromEntry(Descriptor entry)
    {
        var name = entry.GetAnnotation(Annotations.ContainerdImageName) ?? entry.GetAnnotation(Annotations.RefName);
        if (name is null || name.IndexOfAny(['/', ':', '@']) < 0)
        {
            return null;
        }

        return ImageReference.TryParse(name, out var reference) ? reference : null;
    }

    /// <summary>Returns the descriptor named as <paramref name="name"/>, or unnamed when <paramref name="name"/> is null.</summary>
    public static Descriptor WithName(Descriptor descriptor, ImageReference? name)
    {
        var annotations = descriptor.Annotations?
            .Where(a => a.Key is not Annotations.RefName and not Annotations.ContainerdImageName)
            .ToDictionary(a => a.Key, a => a.Value) ?? [];
        if (name is not null)
        {
            annotations[Annotations.RefName] = name.ToString();
            annotations[Annotations.ContainerdImageName] = name.ToString();
        }

        return descriptor with { Annotations = annotations.Count == 0 ? null : annotations, Data = null };
    }
}
