using Containers.Images;

namespace Containers.Registry.Pull;

/// <summary>Reports how far one blob of a pull has come.</summary>
/// <param name="Digest">The blob.</param>
/// <param name="State">What is happening to it.</param>
/// <param name="Bytes">The bytes received so far.</param>
/// <param name="Total">The blob's size.</param>
public sealed record PullProgress(Digest Digest, PullState State, long Bytes, long Total);

/// <summary>Names the stages a blob goes through during a pull.</summary>
public enum PullState
{
    /// <summary>Waiting for a download slot.</summary>
    Waiting,

    /// <summary>Being downloaded.</summary>
    Downloading,

    /// <summary>Already in the store; not downloaded.</summary>
    Exists,

    /// <summary>Downloaded and verified.</summary>
    Complete,
}
