namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// An error of the runc-compatible front end; its message is worded as runc words it, because engines such as podman
/// match on those words (for example "does not exist" or "container not running").
/// </summary>
internal sealed class OciRuntimeException(string message) : ContainersException(message)
{
    public static OciRuntimeException NotFound(string id) => new($"container \"{id}\" does not exist");

    public static OciRuntimeException NotRunning(string id) => new($"container \"{id}\" not running");
}
