using System.Net.Sockets;
using System.Text;
using Containers.Fixtures;
using Npgsql;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>The PostgreSQL, Redis and HTTP modules over locally built images, as a test suite would use them.</summary>
public sealed class ModuleTests(FixtureEngine fixture) : IClassFixture<FixtureEngine>
{
    [Fact]
    public async Task PostgreSql_fixture_answers_its_first_query_in_a_handful_of_lines()
    {
        await fixture.ImportServicesAsync();

        await using var postgres = await new PostgreSqlBuilder("postgres:test").StartAsync(fixture.Engine);
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);

        (await command.ExecuteScalarAsync()).Should().Be(1);
    }

    [Fact]
    public async Task PostgreSql_fixture_runs_as_the_postgres_user_with_its_own_database_user_and_init_script()
    {
        await fixture.ImportServicesAsync();

        await using var postgres = await new PostgreSqlBuilder("postgres:test")
            .WithDatabase("shop")
            .WithUsername("app")
            .WithPassword("s3cret;")
            .WithContainer(c => c.WithUser("postgres").WithFile("/docker-entrypoint-initdb.d/schema.sql", "CREATE TABLE items (name text); INSERT INTO items VALUES ('apple');"))
            .StartAsync(fixture.Engine);
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user || ' ' || current_database() || ' ' || (SELECT name FROM items)", connection);

        (await command.ExecuteScalarAsync()).Should().Be("app shop apple");
        (await postgres.ExecAsync(["id", "-un"])).Stdout.Should().Be("postgres\n");
    }

    [Fact]
    public async Task PostgreSql_without_a_password_fails_with_the_entrypoints_error()
    {
        await fixture.ImportServicesAsync();

        var act = () => new PostgreSqlBuilder("postgres:test").WithPassword(string.Empty).StartAsync(fixture.Engine);

        var failure = (await act.Should().ThrowAsync<ContainerWaitException>()).Which;
        failure.ExitCode.Should().Be(1, failure.Message);
        failure.LastLogLines.Should().Contain(l => l.Contains("superuser password is not specified", StringComparison.Ordinal));
        (await fixture.FixtureContainersAsync()).Should().NotContain(c => c.Id == failure.ContainerId);
    }

    [Fact]
    public async Task Redis_fixture_answers_ping()
    {
        await fixture.ImportServicesAsync();

        await using var redis = await new RedisBuilder("redis:test").StartAsync(fixture.Engine);

        (await RespAsync(redis.Host, redis.Port, "PING")).Should().Be("+PONG\r\n");
        redis.ConnectionString.Should().Be($"127.0.0.1:{redis.Port}");
    }

    [Fact]
    public async Task Http_module_serves_busybox_httpd()
    {
        await using var web = await new HttpServiceBuilder("busybox", port: 8080)
            .WithContainer(c => c.WithCommand("httpd", "-f", "-p", "8080", "-h", "/www").WithFile("/www/health", "ok"))
            .WithReadinessPath("/health")
            .StartAsync(fixture.Engine);

        using var client = new HttpClient { BaseAddress = web.BaseAddress };
        (await client.GetStringAsync("health")).Should().Be("ok");
    }

    [Fact]
    public async Task Several_fixtures_start_in_parallel_and_leave_nothing_when_disposed()
    {
        await fixture.ImportServicesAsync();
        var postgres = new PostgreSqlBuilder("postgres:test").StartAsync(fixture.Engine);
        var redis = new RedisBuilder("redis:test").StartAsync(fixture.Engine);
        var webs = Enumerable.Range(0, 4).Select(i => new HttpServiceBuilder("busybox", port: 80)
            .WithContainer(c => c.WithCommand("httpd", "-f", "-p", "80", "-h", "/www").WithFile("/www/index.html", $"web {i}"))
            .StartAsync(fixture.Engine)).ToList();
        await Task.WhenAll([postgres, redis, .. webs]);

        await using (var connection = new NpgsqlConnection((await postgres).ConnectionString))
        {
            await connection.OpenAsync();
        }

        (await RespAsync("127.0.0.1", (await redis).Port, "PING")).Should().Be("+PONG\r\n");
        using var client = new HttpClient();
        for (var i = 0; i < webs.Count; i++)
        {
            (await client.GetStringAsync((await webs[i]).BaseAddress)).Should().Be($"web {i}");
        }

        var ids = new List<string> { (await postgres).Id, (await redis).Id };
        ids.AddRange(webs.Select(w => w.Result.Id));
        await Task.WhenAll([(await postgres).DisposeAsync().AsTask(), (await redis).DisposeAsync().AsTask(), .. webs.Select(w => w.Result.DisposeAsync().AsTask())]);

        (await fixture.Engine.Containers.ListAsync(all: true)).Should().NotContain(c => ids.Contains(c.Id));
    }

    /// <summary>Sends one inline Redis command and reads one reply line.</summary>
    private static async Task<string> RespAsync(string host, int port, string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
