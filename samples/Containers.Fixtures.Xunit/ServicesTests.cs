using System.Net.Sockets;
using System.Runtime.Versioning;
using Npgsql;

namespace Containers.Fixtures.Xunit;

/// <summary>Test classes of one collection share the services, started once and in parallel.</summary>
[Collection("Services")]
[SupportedOSPlatform("linux")]
public sealed class CatalogTests(ServicesFixture services)
{
    [Fact]
    public async Task Catalog_and_billing_are_separate_servers()
    {
        Assert.NotEqual(services.Catalog.Port, services.Billing.Port);
        await using var billing = new NpgsqlConnection(services.Billing.ConnectionString);
        await billing.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user || '@' || current_database()", billing);

        Assert.Equal("billing@billing", await command.ExecuteScalarAsync());
    }
}

/// <summary>Another class of the same collection: the same servers, not new ones.</summary>
[Collection("Services")]
[SupportedOSPlatform("linux")]
public sealed class CacheTests(ServicesFixture services)
{
    [Fact]
    public async Task The_cache_answers_ping()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(services.Cache.Host, services.Cache.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var reply = new byte[7];
        await stream.ReadExactlyAsync(reply);

        Assert.Equal("+PONG\r\n", System.Text.Encoding.ASCII.GetString(reply));
    }
}
