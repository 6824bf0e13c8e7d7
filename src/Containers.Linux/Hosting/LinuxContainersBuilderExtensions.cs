using Containers.Containers;
using Containers.Hosting;
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
    /// <remarks>Needs root (or the capabilities to create namespaces and mount file systems).</remarks>
    public static IContainersBuilder AddLinuxRuntime(this IContainersBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ICgroupManager>(_ => CgroupDetector.Detect());
        builder.Services.TryAddSingleton<IContainerRuntime, LinuxContainerRuntime>();
        builder.Services.TryAddSingleton<IContainerRootfs, VfsContainerRootfs>();
        return builder;
    }
}
