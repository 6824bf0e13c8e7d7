using System.Runtime.Versioning;
using Containers.Hosting;

namespace Containers.Fixtures.Xunit;

/// <summary>One PostgreSQL server for one test class (<c>IClassFixture&lt;PostgresFixture&gt;</c>): started before its first test, removed after its last.</summary>
[SupportedOSPlatform("linux")]
public sealed class PostgresFixture : IAsyncLifetime
{
    private ContainerEngine _engine = null!;

    public PostgreSqlContainer Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _engine = SampleEngine.Create();
        await SampleEngine.EnsurePostgresImageAsync(_engine);
        Postgres = await new PostgreSqlBuilder(SampleEngine.PostgresImage).WithDatabase("orders").StartAsync(_engine);
    }

    public async Task DisposeAsync()
    {
        await Postgres.DisposeAsync();
        await SampleEngine.DestroyAsync(_engine);
    }
}
