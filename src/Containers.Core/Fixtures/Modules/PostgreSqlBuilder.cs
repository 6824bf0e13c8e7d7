namespace Containers.Fixtures;

/// <summary>
/// Builds a PostgreSQL fixture from an image that follows the official <c>postgres</c> image's conventions
/// (<c>POSTGRES_PASSWORD</c>, <c>POSTGRES_USER</c>, <c>POSTGRES_DB</c>, port 5432). Immutable, as <see cref="ContainerBuilder"/>.
/// </summary>
/// <example>
/// <code>
/// await using var db = await new PostgreSqlBuilder("postgres:16").StartAsync(engine);
/// await using var connection = new NpgsqlConnection(db.ConnectionString);
/// </code>
/// </example>
public sealed class PostgreSqlBuilder
{
    /// <summary>The port PostgreSQL listens on in the container.</summary>
    public const int Port = 5432;

    private readonly ContainerBuilder _container;
    private readonly string _database;
    private readonly string _username;
    private readonly string _password;

    /// <summary>Initializes a builder for <paramref name="image"/>, with database, user and password <c>postgres</c>.</summary>
    public PostgreSqlBuilder(string image)
        : this(new ContainerBuilder(image).WithPortBinding(Port), "postgres", "postgres", "postgres")
    {
    }

    private PostgreSqlBuilder(ContainerBuilder container, string database, string username, string password)
    {
        _container = container;
        _database = database;
        _username = username;
        _password = password;
    }

    /// <summary>Returns a builder whose server creates and serves <paramref name="database"/>.</summary>
    public PostgreSqlBuilder WithDatabase(string database) => new(_container, database, _username, _password);

    /// <summary>Returns a builder whose superuser is <paramref name="username"/>.</summary>
    public PostgreSqlBuilder WithUsername(string username) => new(_container, _database, username, _password);

    /// <summary>Returns a builder whose superuser's password is <paramref name="password"/>.</summary>
    public PostgreSqlBuilder WithPassword(string password) => new(_container, _database, _username, password);

    /// <summary>Returns a builder with further container settings (a name, a network, files in <c>/docker-entrypoint-initdb.d</c>, a user, ...).</summary>
    public PostgreSqlBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new(configure(_container), _database, _username, _password);
    }

    /// <summary>
    /// Returns a builder whose servers start from a ready-state snapshot of an initialized, cleanly shut down database
    /// (see <see cref="ContainerBuilder.WithReadySnapshot"/>): <c>initdb</c> and the init scripts run once per root.
    /// </summary>
    public PostgreSqlBuilder WithReadySnapshot(ReadySnapshotOptions? options = null) => WithContainer(c => c.WithReadySnapshot(options));

    /// <summary>Starts the server and returns once it accepts connections from outside the container.</summary>
    /// <exception cref="ContainerWaitException">It exited first or did not become ready in time.</exception>
    public async Task<PostgreSqlContainer> StartAsync(Hosting.ContainerEngine engine, CancellationToken cancellationToken = default)
    {
        var builder = _container
            .WithEnvironment("POSTGRES_DB", _database)
            .WithEnvironment("POSTGRES_USER", _username)
            .WithEnvironment("POSTGRES_PASSWORD", _password);
        if (builder.WaitStrategy is null)
        {
            // The official entrypoint first runs a server on the Unix socket only, for initialization: the TCP listener
            // belongs to the final server, and pg_isready then tells when it accepts connections.
            builder = builder.WithWaitStrategy(Wait.ForAll(
                Wait.ForPort(Port),
                Wait.ForCommand("pg_isready", "--host", "127.0.0.1", "--port", "5432", "--username", _username, "--dbname", _database)));
        }

        var started = await builder.StartAsync(engine, cancellationToken).ConfigureAwait(false);
        return new PostgreSqlContainer(started, _database, _username, _password);
    }
}
