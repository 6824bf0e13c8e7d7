using Containers.Images;

namespace Containers.Registry.Push;

/// <summary>Reports how far one blob of a push has come.</summary>
/// <param name="Digest">The blob.</param>
/// <param name="State">What is happening to it.</param>
/// <param name="Bytes">The bytes sent so far.</param>
/// <param name="Total">The blob's size.</param>
public sealed record PushProgress(Digest Digest, PushState State, long Bytes, long Total);

/// <summary>Names the stages a blob goes through during a push.</summary>
public enum PushState
{
    /// <summary>The registry already has it; not sent.</summary>
    Exists,

    /// <summary>Mounted from another repository of the registry; not sent.</summary>
    Mounted,

    /// <summary>Being uploaded.</summary>
    Uploading,

    /// <summary>Uploaded and accepted.</summary>
    Complete,
}
