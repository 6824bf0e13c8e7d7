namespace Containers.Containers;

/// <summary>Describes one process in a container, as <c>top</c> lists it.</summary>
/// <param name="Pid">The process ID on the host.</param>
/// <param name="ParentPid">The parent's process ID on the host.</param>
/// <param name="Uid">The real user ID.</param>
/// <param name="Command">The command line.</param>
public sealed record ContainerProcess(int Pid, int ParentPid, uint Uid, string Command);
