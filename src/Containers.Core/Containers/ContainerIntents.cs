using Containers.Internal;

namespace Containers.Containers;

/// <summary>An operation that changes what a container holds and that recovery must finish or undo when its process dies midway.</summary>
internal enum ContainerOperation
{
    /// <summary>Creating the container, and, for <c>run</c>, starting it: undone by removing the container.</summary>
    Create,

    /// <summary>Starting it (mount, cgroup, network, process): undone by killing what started and releasing what it holds.</summary>
    Start,

    /// <summary>Removing it: finished by releasing everything and deleting its directory.</summary>
    Remove,
}

/// <summary>An operation in progress on a container: who does it and, once they exist, the processes it started.</summary>
internal sealed record ContainerIntent(ContainerOperation Operation, ProcessIdentity Owner, ProcessIdentity Container, ProcessIdentity Monitor);

/// <summary>
/// Marks operations in progress in the container's directory (<c>creating</c>, <c>starting</c>, <c>removing</c>), each
/// naming the process doing it, so that when that process is killed midway the next engine finishes or undoes what it
/// began, and never touches the work of a process that is still alive.
/// </summary>
/// <remarks>
/// A marker only has to survive the death of its process, not of the machine (a reboot drops mounts, cgroups and
/// processes by itself), so it is written without a flush: temporary file and rename, so a reader never sees half.
/// </remarks>
internal sealed class ContainerIntents(ContainerStore store)
{
    /// <summary>Marks <paramref name="operation"/> as begun by this process.</summary>
    public Task BeginAsync(string id, ContainerOperation operation, CancellationToken cancellationToken) =>
        WriteAsync(id, new ContainerIntent(operation, ProcessIdentity.Current, default, default), cancellationToken);

    /// <summary>Records the processes an operation started, so recovery can end them if this process dies first.</summary>
    public Task RecordProcessesAsync(string id, ContainerOperation operation, ProcessIdentity container, ProcessIdentity monitor, CancellationToken cancellationToken) =>
        WriteAsync(id, new ContainerIntent(operation, ProcessIdentity.Current, container, monitor), cancellationToken);

    /// <summary>Marks <paramref name="operation"/> as finished (done, or undone by this process).</summary>
    public void End(string id, ContainerOperation operation)
    {
        try
        {
            File.Delete(PathOf(id, operation));
        }
        catch (DirectoryNotFoundException)
        {
            // The container is gone already.
        }
    }

    /// <summary>Reads the marker of <paramref name="operation"/>; <see langword="null"/> when none is in progress.</summary>
    public ContainerIntent? Read(string id, ContainerOperation operation)
    {
        var path = PathOf(id, operation);
        if (!File.Exists(path))
        {
            return null; // the common case, answered without an exception
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        ProcessIdentity? At(int index) => fields.Length > index + 1 ? ProcessIdentity.Parse(fields[index], fields[index + 1]) : null;

        // An unreadable marker comes from a process killed while writing it: a dead owner.
        return new ContainerIntent(operation, At(0) ?? default, At(2) ?? default, At(4) ?? default);
    }

    private string PathOf(string id, ContainerOperation operation) => Path.Combine(store.DirectoryOf(id), operation switch
    {
        ContainerOperation.Create => "creating",
        ContainerOperation.Start => "starting",
        _ => "removing",
    });

    // Written synchronously: a line of text, for which an asynchronous write would only add a thread-pool hop.
    private Task WriteAsync(string id, ContainerIntent intent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(id, intent.Operation);
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        while (true)
        {
            try
            {
                File.WriteAllText(temporary, $"{intent.Owner} {intent.Container} {intent.Monitor}\n");
                File.Move(temporary, path, overwrite: true);
                return Task.CompletedTask;
            }
            catch (DirectoryNotFoundException)
            {
                throw new ContainerNotFoundException(id); // removed by another process meanwhile
            }
            catch (IOException e) when (StorageFullException.IsDiskFull(e))
            {
                // rm -f must mark itself on the full disk it is about to free: spend the directory's space reserve.
                File.Delete(temporary);
                if (!Internal.SpaceReserve.Release(Path.GetDirectoryName(path)!))
                {
                    throw new StorageFullException(path, "marking the container's operation", e);
                }
            }
        }
    }
}
