namespace Containers.Fixtures;

/// <summary>Builds a Redis fixture from an image whose command runs <c>redis-server</c> on port 6379, as the official <c>redis</c> image does. Immutable.</summary>
/// <example><code>await using var redis = await new RedisBuilder("redis:7").StartAsync(engine);   // redis.ConnectionString is "127.0.0.1:PORT"</code></example>
public sealed class RedisBuilder
{
    /// <summary>The port Redis listens on in the container.</summary>
    public const int Port = 6379;

    private readonly ContainerBuilder _container;

    /// <summary>Initializes a builder for <paramref name="image"/>.</summary>
    public RedisBuilder(string image)
        : this(new ContainerBuilder(image).WithPortBinding(Port).WithWaitStrategy(Wait.ForPort(Port)))
    {
    }

    private RedisBuilder(ContainerBuilder container) => _container = container;

    /// <summary>Returns a builder with further container settings (a command with <c>--requirepass</c>, a network, ...).</summary>
    public RedisBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new(configure(_container));
    }

    /// <summary>Starts the server and returns once it listens.</summary>
    /// <exception cref="ContainerWaitException">It exited first or did not listen in time.</exception>
    public async Task<RedisContainer> StartAsync(Hosting.ContainerEngine engine, CancellationToken cancellationToken = default) =>
        new(await _container.StartAsync(engine, cancellationToken).ConfigureAwait(false));
}
