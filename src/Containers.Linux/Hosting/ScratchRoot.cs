using Containers.Hosting;
using Containers.Internal;
using Containers.Linux.Roots;
using Containers.Linux.Storage;

namespace Containers.Linux.Hosting;

/// <summary>
/// A throwaway engine root in a temporary directory, for test fixtures and tools: <see cref="DisposeAsync"/> resets it
/// (containers, networks, volumes, images) and deletes it. If the process dies first, the next engine start on any
/// root of the host reclaims what it left in the kernel and deletes the directory.
/// </summary>
/// <example>
/// <code>
/// await using var scratch = ScratchRoot.Create(b => b.AddLinuxRuntime());
/// await scratch.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Detach = true });
/// </code>
/// </example>
public sealed class ScratchRoot : IAsyncDisposable
{
    private readonly FileLock _hold;
    private bool _disposed;

    private ScratchRoot(string path, FileLock hold, ContainerEngine engine)
    {
        Path = path;
        _hold = hold;
        Engine = engine;
    }

    /// <summary>Gets the root's directory.</summary>
    public string Path { get; }

    /// <summary>Gets the engine on the root.</summary>
    public ContainerEngine Engine { get; }

    /// <summary>Creates a root in a new temporary directory and an engine on it.</summary>
    /// <param name="configure">Adds platform components, as for <see cref="ContainerEngine.Create"/>: <c>b => b.AddLinuxRuntime()</c>.</param>
    /// <param name="options">Options other than the root (which is ignored); the defaults when <see langword="null"/>.</param>
    /// <param name="path">A directory to use (made when missing, deleted on dispose); a new temporary one when <see langword="null"/>.</param>
    public static ScratchRoot Create(Action<IContainersBuilder>? configure = null, ContainersOptions? options = null, string? path = null)
    {
        path = path is null ? Directory.CreateTempSubdirectory("dotnet-containers-scratch-").FullName : Directory.CreateDirectory(path).FullName;

        // Held until disposed, before the root has an ID or any object: an unheld lock is how a dead holder shows.
        var hold = FileLock.TryAcquire(System.IO.Path.Combine(path, RootStatuses.ScratchLockFile), exclusive: true)
            ?? throw new IOException($"The new scratch root {path} is locked by another process.");
        try
        {
            var engine = ContainerEngine.Create(
                new ContainersOptions
                {
                    Root = path,
                    Platform = options?.Platform ?? Images.Platform.Current,
                    DefaultNetwork = options?.DefaultNetwork,
                    LockTimeout = options?.LockTimeout ?? TimeSpan.FromMinutes(2),
                },
                configure);
            return new ScratchRoot(path, hold, engine);
        }
        catch
        {
            hold.Dispose();
            Directory.Delete(path, recursive: true);
            throw;
        }
    }

    /// <summary>Resets the root, disposes the engine and deletes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await Engine.ResetAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await Engine.DisposeAsync().ConfigureAwait(false);
            foreach (var mount in OverlayMount.MountsUnder(Path).OrderByDescending(m => m.Length))
            {
                _ = Interop.Libc.umount2(mount, 2);
            }

            var id = RootIdentity.Read(Path);
            Directory.Delete(Path, recursive: true);
            if (id is not null)
            {
                RootRegistry.Remove(id);
            }

            _hold.Dispose();
        }
    }
}
