using Containers.Containers;
using Containers.Hosting;
using Containers.Storage;
using Containers.Volumes;
using Containers.Linux.Cgroups;
using Containers.Linux.Runtime;
using Containers.Linux.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Containers.Linux.Hosting;

/// <summary>Adds the Linux runtime to an engine.</summary>
public static class LinuxContainersBuilderExtensions
{
    /// <summary>
    /// Adds the Linux container runtime (namespaces, cgroups, seccomp, through the native spawn helper) and the default
    /// root filesystem provider, which makes <see cref="ContainerEngine.Containers"/> available.
    /// </summary>
    /// <remarks>Needs Linux and root (CAP_SYS_ADMIN with the other capabilities root has); both are checked here.</remarks>
    /// <param name="builder">The engine builder.</param>
    /// <param name="configure">Chooses the storage driver; the default picks overlay where it works.</param>
    /// <exception cref="PlatformNotSupportedException">The process does not run on Linux.</exception>
    /// <exception cref="InsufficientPrivilegesException">The process is not root (has no CAP_SYS_ADMIN).</exception>
    public static IContainersBuilder AddLinuxRuntime(this IContainersBuilder builder, Action<LinuxRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        LinuxPlatform.EnsureLinux();
        LinuxPrivileges.EnsureSufficient();
        var options = new LinuxRuntimeOptions();
        configure?.Invoke(options);
        builder.Services.TryAddSingleton(options);
        builder.Services.TryAddSingleton<ICgroupManager>(_ => CgroupDetector.Detect());
        builder.Services.TryAddSingleton<Roots.RootOwner>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRecovery, Roots.OrphanRecovery>());
        builder.Services.TryAddSingleton<IContainerRuntime, LinuxContainerRuntime>();
        builder.Services.TryAddSingleton<Networks.INetworkDriver, Networking.BridgeDriver>();
        builder.Services.TryAddSingleton<OverlayStorage>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IVolumeContentCopier, VolumeContentCopier>(_ => new VolumeContentCopier(new Syscalls.LinuxFileMetadataSyscalls())));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IArchiveExtractor, ArchiveExtractor>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRecovery, StorageRecovery>());
        StorageDrivers.Add(builder.Services, options, nameof(configure));
        return builder;
    }
}
