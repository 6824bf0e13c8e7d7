namespace Containers;

/// <summary>The container an error happened to, so a failed <c>run</c> names what it was creating.</summary>
public partial class ContainersException
{
    /// <summary>Gets the ID of the container a failed create or run was for (removed since), when the error is about one.</summary>
    public string? AffectedContainerId { get; private set; }

    /// <summary>Gets the name of the container the operation was for, when it had one.</summary>
    public string? AffectedContainerName { get; private set; }

    /// <inheritdoc/>
    public override string Message => AffectedContainerId is null
        ? base.Message
        : $"container {AffectedContainerName} ({AffectedContainerId[..Math.Min(12, AffectedContainerId.Length)]}): {base.Message}";

    /// <summary>Records the container the error belongs to (the first one recorded wins); returns this error.</summary>
    internal ContainersException ForContainer(string id, string name)
    {
        if (AffectedContainerId is null)
        {
            AffectedContainerId = id;
            AffectedContainerName = name;
        }

        return this;
    }
}
