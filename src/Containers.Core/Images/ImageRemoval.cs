namespace Containers.Images;

/// <summary>Reports one effect of removing an image: a name removed, or an image deleted.</summary>
/// <param name="Kind">Whether a name was removed or the image deleted.</param>
/// <param name="Value">The removed name, or the deleted image's ID.</param>
public sealed record ImageRemoval(ImageRemovalKind Kind, string Value)
{
    /// <summary>Returns docker's wording: <c>Untagged: name</c> or <c>Deleted: sha256:...</c>.</summary>
    public override string ToString() => (Kind == ImageRemovalKind.Untagged ? "Untagged: " : "Deleted: ") + Value;
}

/// <summary>Names the effects of removing an image.</summary>
public enum ImageRemovalKind
{
    /// <summary>A name was removed from the image.</summary>
    Untagged,

    /// <summary>The image itself was deleted.</summary>
    Deleted,
}
