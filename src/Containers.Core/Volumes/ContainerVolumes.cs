using Containers.Hosting;
using Containers.Internal;
using Containers.Oci;
using Containers.Oci.Runtime;
using Microsoft.Extensions.Logging;
using Containers.Storage;

namespace Containers.Volumes;

/// <summary>
/// Connects containers to volumes: claims (and creates) their volumes at create, fills empty volumes from the image and
/// turns mounts into runtime mounts at start, and removes anonymous volumes with their container.
/// </summary>
/// <remarks>A container's claims are its record's mounts, which is what <see cref="VolumeService"/> reads to tell which volumes are in use.</remarks>
internal sealed partial class ContainerVolumes
{
    private readonly VolumeService _volumes;
    private readonly IVolumeContentCopier? _copier;
    private readonly ILogger _logger;

    public ContainerVolumes(VolumeService volumes, IEnumerable<IVolumeContentCopier> copiers, ILogger<ContainerVolumes> logger)
    {
        _volumes = volumes;
        _copier = copiers.LastOrDefault();
        _logger = logger;
    }

    /// <summary>Takes the volumes lock; hold it from <see cref="PrepareLockedAsync"/> until the container's record is written.</summary>
    public Task<FileLock> LockAsync(CancellationToken cancellationToken) => _volumes.LockAsync(cancellationToken);

    /// <summary>
    /// Validates the mounts, adds an anonymous volume for each of the image's <c>VOLUME</c> paths not already mounted,
    /// creates missing volumes, and returns the mounts with every volume named, as the record keeps them.
    /// </summary>
    public async Task<IReadOnlyList<ContainerMount>> PrepareLockedAsync(IReadOnlyList<ContainerMount> requested, ContainerConfiguration? image, CancellationToken cancellationToken)
    {
        var mounts = new List<ContainerMount>();
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mount in requested)
        {
            MountSpecParser.Validate(mount);
            if (!targets.Add(mount.Target.TrimEnd('/')))
            {
                throw new InvalidMountSpecException(mount.Target, "duplicate mount point: each target may be mounted once");
            }

            if (mount.Type == MountType.Bind && !mount.CreateHostPath && !Path.Exists(mount.Source))
            {
                throw new InvalidMountSpecException(mount.Source!, $"bind source path does not exist: {mount.Source}");
            }

            mounts.Add(mount);
        }

        foreach (var path in image?.Volumes?.Keys ?? [])
        {
            var target = MountSpecParser.ParseTmpfs(path.TrimEnd('/') is { Length: > 0 } t ? t : path).Target;
            if (targets.Add(target))
            {
                mounts.Add(new ContainerMount { Type = MountType.Volume, Target = target });
            }
        }

        var named = new List<ContainerMount>();
        foreach (var mount in mounts)
        {
            if (mount.Type != MountType.Volume)
            {
                named.Add(mount);
                continue;
            }

            var anonymous = mount.Source is null;
            var name = mount.Source ?? VolumeNames.NewAnonymous();
            await _volumes.CreateLockedAsync(name, new VolumeCreateOptions { Name = name }, anonymous, cancellationToken).ConfigureAwait(false);
            named.Add(mount with { Source = name });
        }

        return named;
    }

    /// <summary>
    /// Returns the runtime mounts of a container about to start; an empty volume first receives the image's content at
    /// its target, unless the mount says <c>nocopy</c>.
    /// </summary>
    public async Task<IReadOnlyList<RuntimeMount>> ResolveAsync(IReadOnlyList<ContainerMount> mounts, string rootfs, CancellationToken cancellationToken)
    {
        var result = new List<RuntimeMount>();
        foreach (var mount in mounts)
        {
            switch (mount.Type)
            {
                case MountType.Volume:
                    var data = _volumes.DataPath(mount.Source!);
                    if (await _volumes.ReadAsync(mount.Source!, cancellationToken).ConfigureAwait(false) is null)
                    {
                        throw new VolumeNotFoundException(mount.Source!);
                    }

                    if (!mount.NoCopy)
                    {
                        await PopulateAsync(mount, data, rootfs, cancellationToken).ConfigureAwait(false);
                    }

                    result.Add(VolumeMounts.ToRuntime(mount, data));
                    break;
                case MountType.Bind:
                    if (mount.CreateHostPath && !Path.Exists(mount.Source))
                    {
                        Directory.CreateDirectory(mount.Source!);
                    }

                    result.Add(Path.Exists(mount.Source)
                        ? VolumeMounts.ToRuntime(mount, mount.Source!)
                        : throw new InvalidMountSpecException(mount.Source!, $"bind source path does not exist: {mount.Source}"));
                    break;
                default:
                    result.Add(VolumeMounts.ToRuntime(mount, "tmpfs"));
                    break;
            }
        }

        return result;
    }

    /// <summary>Removes the container's anonymous volumes that no other container uses; its record must be gone already.</summary>
    public async Task ReleaseAsync(IReadOnlyList<ContainerMount> mounts, CancellationToken cancellationToken)
    {
        var volumes = mounts.Where(m => m.Type == MountType.Volume && m.Source is not null).ToList();
        if (volumes.Count == 0)
        {
            return;
        }

        using (await _volumes.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var mount in volumes)
            {
                await _volumes.RemoveAnonymousLockedAsync(mount.Source!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Copies the image's directory at the target into the volume when the volume is empty, as Docker does on first mount.</summary>
    private async Task PopulateAsync(ContainerMount mount, string data, string rootfs, CancellationToken cancellationToken)
    {
        if (_copier is null)
        {
            return;
        }

        // Resolved inside the root: a symbolic link in the image cannot make the copy read host files (CVE-2022-23648).
        var source = InRootPath.Resolve(rootfs, mount.Target);
        if (!Directory.Exists(source) || new DirectoryInfo(source).LinkTarget is not null || !Directory.EnumerateFileSystemEntries(source).Any())
        {
            return;
        }

        // Under the lock, so two containers starting on one new volume do not both copy into it.
        using (await _volumes.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Directory.EnumerateFileSystemEntries(data).Any())
            {
                return;
            }

            _copier.Copy(source, data);
            LogPopulated(_logger, mount.Source!, mount.Target);
        }
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Filled volume {Name} from the image's {Target}")]
    private static partial void LogPopulated(ILogger logger, string name, string target);
}
