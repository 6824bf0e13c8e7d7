using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Registry.Hosting;

namespace Containers.Cli.Cli;

/// <summary>Composes the engine the command line uses: the core services plus every platform component this build has.</summary>
internal static class EngineFactory
{
    public static ContainerEngine Create(GlobalOptions global) =>
        ContainerEngine.Create(new ContainersOptions { Root = global.Root }, Configure);

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
