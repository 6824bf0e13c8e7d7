using Containers.Containers;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>An engine over a scratch root with busybox, and (imported on first use) the locally built postgres and redis images.</summary>
public sealed class FixtureEngine : IAsyncLifetime
{
    private readonly SemaphoreSlim _importLock = new(1, 1);
    private bool _servicesImported;

    public TestEngine Test { get; private set; } = null!;

    public global::Containers.Hosting.ContainerEngine Engine => Test.Engine;

    public async Task InitializeAsync()
    {
        Test = TestEngine.Create(b => b.AddLinuxRuntime());
        await Test.ImportBusyboxAsync("busybox:latest");
    }

    public async Task DisposeAsync()
    {
        await Test.DisposeAsync();
        _importLock.Dispose();
    }

    /// <summary>Imports <c>postgres:test</c> and <c>redis:test</c> from the services root filesystem, once.</summary>
    public async Task ImportServicesAsync()
    {
        await _importLock.WaitAsync();
        try
        {
            if (!_servicesImported)
            {
                await using (var rootfs = File.OpenRead(TestImages.ServicesRootfsPath))
                {
                    await Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = "postgres:test", Changes = TestImages.PostgresChanges });
                }

                await using (var rootfs = File.OpenRead(TestImages.ServicesRootfsPath))
                {
                    await Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = "redis:test", Changes = TestImages.RedisChanges });
                }

                _servicesImported = true;
            }
        }
        finally
        {
            _importLock.Release();
        }
    }

    /// <summary>Lists the containers of this root that fixtures created.</summary>
    public async Task<IReadOnlyList<ContainerSummary>> FixtureContainersAsync() =>
        (await Engine.Containers.ListAsync(all: true)).Where(c => c.Labels.ContainsKey(global::Containers.Fixtures.FixtureLabels.Fixture)).ToList();
}
