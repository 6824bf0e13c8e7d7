namespace Containers.Containers;

/// <summary>When creating a container pulls its image, as <c>--pull</c> says in Docker.</summary>
public enum PullPolicy
{
    /// <summary>Pulls the image only when the store lacks it (the default).</summary>
    Missing,

    /// <summary>Pulls the image every time, so a tag that moved on the registry is followed.</summary>
    Always,

    /// <summary>Never pulls: an image the store lacks fails the create.</summary>
    Never,
}
