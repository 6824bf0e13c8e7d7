using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Registry.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Cli.Cli;

/// <summary>Composes the engine the command line uses: the core services plus every platform component this build has.</summary>
internal static class EngineFactory
{
    public static ContainerEngine Create(GlobalOptions global) =>
        ContainerEngine.Create(new ContainersOptions { Root = global.Root }, Configure);

    /// <summary>
    /// Creates an engine for a command that only reads the image store: composed as <see cref="Create"/> composes it,
    /// but without the recovery passes (see <see cref="CommandContext.ImageReader"/>). Dispose the provider when done.
    /// </summary>
    public static ServiceProvider CreateImageReader(GlobalOptions global)
    {
        var services = new ServiceCollection();
        Configure(services.AddContainers(o => o.Root = global.Root));

        // Unvalidated: every other command validates these same registrations at start (ContainerEngine.Create).
        return services.BuildServiceProvider();
    }

    /// <summary>Creates a throwaway root (<c>--scratch</c>): in <c>--root</c> when given, else in a temporary directory.</summary>
    public static ScratchRoot CreateScratch(GlobalOptions global) =>
        ScratchRoot.Create(Configure, path: global.RootGiven ? global.Root : null);

    private static void Configure(IContainersBuilder builder)
    {
        if (OperatingSystem.IsLinux())
        {
            builder.AddLinuxRuntime();
        }

        builder.AddRegistryClient(o =>
        {
            foreach (var host in (Environment.GetEnvironmentVariable("CONTAINERS_INSECURE_REGISTRIES") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                o.InsecureRegistries.Add(host.Trim());
            }
        });
    }
}
