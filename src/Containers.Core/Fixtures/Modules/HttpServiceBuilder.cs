namespace Containers.Fixtures;

/// <summary>Builds a fixture for any HTTP service: publishes its port and waits until a request to a readiness path succeeds. Immutable.</summary>
/// <example>
/// <code>
/// await using var api = await new HttpServiceBuilder("my-api:dev", port: 8080).WithReadinessPath("/health").StartAsync(engine);
/// using var client = new HttpClient { BaseAddress = api.BaseAddress };
/// </code>
/// </example>
public sealed class HttpServiceBuilder
{
    private readonly ContainerBuilder _container;
    private readonly int _port;
    private readonly HttpWaitStrategy _readiness;

    /// <summary>Initializes a builder for <paramref name="image"/> serving HTTP on <paramref name="port"/> in the container; ready when <c>GET /</c> answers 2xx.</summary>
    public HttpServiceBuilder(string image, int port)
        : this(new ContainerBuilder(image).WithPortBinding(port), port, Wait.ForHttp(port))
    {
    }

    private HttpServiceBuilder(ContainerBuilder container, int port, HttpWaitStrategy readiness)
    {
        _container = container;
        _port = port;
        _readiness = readiness;
    }

    /// <summary>Returns a builder that is ready when <c>GET <paramref name="path"/></c> answers 2xx.</summary>
    public HttpServiceBuilder WithReadinessPath(string path) => new(_container, _port, _readiness with { Path = path });

    /// <summary>Returns a builder with another readiness check (status or body predicates, a timeout).</summary>
    public HttpServiceBuilder WithReadiness(Func<HttpWaitStrategy, HttpWaitStrategy> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new(_container, _port, configure(_readiness));
    }

    /// <summary>Returns a builder with further container settings (a command, environment, files, ...).</summary>
    public HttpServiceBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new(configure(_container), _port, _readiness);
    }

    /// <summary>Starts the service and returns once it answers.</summary>
    /// <exception cref="ContainerWaitException">It exited first or did not answer in time.</exception>
    public async Task<HttpServiceContainer> StartAsync(Hosting.ContainerEngine engine, CancellationToken cancellationToken = default)
    {
        var started = await _container.WithWaitStrategy(_readiness).StartAsync(engine, cancellationToken).ConfigureAwait(false);
        return new HttpServiceContainer(started, _port);
    }
}
