using System.Runtime.Versioning;
using Npgsql;

namespace Containers.Fixtures.Xunit;

/// <summary>A test class with its own PostgreSQL server.</summary>
[SupportedOSPlatform("linux")]
public sealed class OrderTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_database_answers()
    {
        await using var connection = new NpgsqlConnection(fixture.Postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);

        Assert.Equal("orders", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Tables_created_by_one_test_are_seen_by_the_next_query()
    {
        await using var connection = new NpgsqlConnection(fixture.Postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS orders (id int); INSERT INTO orders VALUES (1); SELECT count(*) FROM orders", connection);

        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
    }
}
