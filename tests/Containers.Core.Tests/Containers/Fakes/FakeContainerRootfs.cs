using System.Collections.Concurrent;
using System.Formats.Tar;
using Containers.Containers;
using Containers.Images;

namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>
/// An <see cref="IContainerRootfs"/> that mounts nothing: a container's root is a plain directory (with the
/// <c>/etc/passwd</c> and <c>/etc/group</c> the engine reads to resolve users), "mounted" from
/// <see cref="MountAsync"/> until <see cref="UnmountAsync"/>. It records every call, so a test can assert that nothing is
/// left mounted and every removed container's writable layer is gone.
/// </summary>
public sealed class FakeContainerRootfs(string directory) : IContainerRootfs
{
    private readonly ConcurrentQueue<FakeRuntimeCall> _calls = new();
    private readonly ConcurrentDictionary<string, byte> _mounted = new();

    /// <summary>Gets or sets the error the next mounts throw (a full disk, a storage driver failure); null mounts.</summary>
    public Exception? MountError { get; set; }

    /// <summary>Gets every call in order (<c>mount</c>, <c>unmount</c>, <c>remove</c>).</summary>
    public IReadOnlyList<FakeRuntimeCall> Calls => _calls.ToList();

    /// <summary>Gets the containers whose root is mounted now.</summary>
    public IReadOnlyCollection<string> Mounted => _mounted.Keys.ToList();

    /// <summary>Returns the directory that is the container's root filesystem.</summary>
    public string PathOf(string containerId) => Path.Combine(directory, containerId);

    /// <summary>Tells whether the container has a writable layer (created at its first mount, deleted by remove).</summary>
    public bool HasLayer(string containerId) => Directory.Exists(PathOf(containerId));

    /// <summary>Returns the operations asked for <paramref name="containerId"/>, in order.</summary>
    public IReadOnlyList<string> OperationsOn(string containerId) =>
        Calls.Where(c => c.ContainerId == containerId).Select(c => c.Operation).ToList();

    public async Task<string> MountAsync(string containerId, ImageDetails image, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(new FakeRuntimeCall("mount", containerId));
        if (MountError is { } error)
        {
            throw error;
        }

        var root = PathOf(containerId);
        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            await File.WriteAllTextAsync(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(root, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n", cancellationToken);
        }

        _mounted[containerId] = 0;
        return root;
    }

    public Task UnmountAsync(string containerId, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(new FakeRuntimeCall("unmount", containerId));
        _mounted.TryRemove(containerId, out _);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string containerId, CancellationToken cancellationToken = default)
    {
        _calls.Enqueue(new FakeRuntimeCall("remove", containerId));
        _mounted.TryRemove(containerId, out _);
        if (Directory.Exists(PathOf(containerId)))
        {
            Directory.Delete(PathOf(containerId), recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Writes the whole root as the diff: the fake keeps no image below it to compare with.</summary>
    public Task WriteDiffAsync(string containerId, Stream destination, CancellationToken cancellationToken = default) =>
        TarFile.CreateFromDirectoryAsync(PathOf(containerId), destination, includeBaseDirectory: false, cancellationToken);
}
