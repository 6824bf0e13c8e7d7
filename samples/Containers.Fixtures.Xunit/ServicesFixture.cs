using System.Runtime.Versioning;
using Containers.Hosting;

namespace Containers.Fixtures.Xunit;

/// <summary>
/// Several services for every test class of the <c>Services</c> collection, started in parallel: two PostgreSQL
/// databases (say, one per microservice) and a Redis cache.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ServicesFixture : IAsyncLifetime
{
    private ContainerEngine _engine = null!;

    public PostgreSqlContainer Catalog { get; private set; } = null!;

    public PostgreSqlContainer Billing { get; private set; } = null!;

    public RedisContainer Cache { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _engine = SampleEngine.Create();
        await SampleEngine.EnsurePostgresImageAsync(_engine);
        var postgres = new PostgreSqlBuilder(SampleEngine.PostgresImage);   // immutable: one base, several variants
        var catalog = postgres.WithDatabase("catalog").StartAsync(_engine);
        var billing = postgres.WithDatabase("billing").WithUsername("billing").StartAsync(_engine);
        // The sample's image also holds redis-server; with the official image this is new RedisBuilder("redis:7").
        var cache = new RedisBuilder(SampleEngine.PostgresImage)
            .WithContainer(c => c.WithUser("redis").WithCommand("redis-server", "--protected-mode", "no", "--save", ""))
            .StartAsync(_engine);
        try
        {
            await Task.WhenAll(catalog, billing, cache);
        }
        finally
        {
            Catalog = catalog.IsCompletedSuccessfully ? catalog.Result : null!;
            Billing = billing.IsCompletedSuccessfully ? billing.Result : null!;
            Cache = cache.IsCompletedSuccessfully ? cache.Result : null!;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var container in new FixtureContainer?[] { Catalog, Billing, Cache })
        {
            if (container is not null)
            {
                await container.DisposeAsync();
            }
        }

        await SampleEngine.DestroyAsync(_engine);
    }
}

/// <summary>Test classes marked <c>[Collection("Services")]</c> share one <see cref="ServicesFixture"/>.</summary>
[CollectionDefinition("Services")]
public sealed class ServicesCollection : ICollectionFixture<ServicesFixture>;
