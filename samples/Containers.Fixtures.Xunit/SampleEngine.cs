using System.Runtime.Versioning;
using Containers.Hosting;
using Containers.Images;
using Containers.Linux.Hosting;

namespace Containers.Fixtures.Xunit;

/// <summary>Makes an engine for a fixture and makes sure the images the fixtures use are in its store.</summary>
[SupportedOSPlatform("linux")]
public static class SampleEngine
{
    /// <summary>The PostgreSQL image the fixtures run; any image following the official postgres conventions works.</summary>
    public const string PostgresImage = "postgres:16";

    /// <summary>
    /// Creates an engine on a scratch root. A real suite would use the default root (<c>/var/lib/dotnet-containers</c>),
    /// where pulled images stay cached between runs, and would not reset it.
    /// </summary>
    public static ContainerEngine Create() =>
        ContainerEngine.Create(new ContainersOptions { Root = Path.Combine(Path.GetTempPath(), "fixtures-sample-" + Guid.NewGuid().ToString("N")[..8]) }, b => b.AddLinuxRuntime());

    /// <summary>
    /// Puts the PostgreSQL image into the store. With a registry client added (<c>b.AddRegistryClient()</c>) this is
    /// <c>await engine.Registry().PullAsync("postgres:16")</c>; this repository's CI downloads nothing, so it imports
    /// the image scripts/install-deps.sh builds from Debian packages instead.
    /// </summary>
    public static async Task EnsurePostgresImageAsync(ContainerEngine engine)
    {
        if ((await engine.Images.ListAsync()).Any(i => i.Names.Any(n => n.FamiliarName == PostgresImage)))
        {
            return;
        }

        await using var rootfs = File.OpenRead("/var/cache/containers-tests/debian-services.tar");
        await engine.Images.ImportAsync(rootfs, new ImportOptions
        {
            Reference = PostgresImage,
            Changes = ["ENV PATH=/usr/local/bin:/usr/bin:/bin", "ENTRYPOINT [\"docker-entrypoint.sh\"]", "CMD [\"postgres\"]", "STOPSIGNAL SIGINT"],
        });
    }

    /// <summary>Removes everything the scratch root holds (its bridge and firewall rules live in the kernel) and the root itself.</summary>
    public static async Task DestroyAsync(ContainerEngine engine)
    {
        await engine.ResetAsync();
        await engine.DisposeAsync();
        Directory.Delete(engine.Options.Root, recursive: true);
    }
}
