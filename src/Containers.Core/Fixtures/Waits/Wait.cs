using System.Text.RegularExpressions;

namespace Containers.Fixtures;

/// <summary>Makes wait strategies for <see cref="ContainerBuilder.WithWaitStrategy"/>.</summary>
/// <example><code>Wait.ForAll(Wait.ForPort(5432), Wait.ForCommand("pg_isready", "-h", "127.0.0.1"))</code></example>
public static class Wait
{
    /// <summary>Gets the timeout a strategy has unless told otherwise: two minutes, for slow CI machines.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Waits until the container listens on TCP <paramref name="port"/> on a non-loopback address, seen from inside its network namespace.</summary>
    public static PortWaitStrategy ForPort(int port) => new(port);

    /// <summary>Waits until <paramref name="times"/> lines of the container's output match <paramref name="pattern"/>.</summary>
    public static LogWaitStrategy ForLogLine(string pattern, int times = 1) => new(new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), times);

    /// <summary>Waits until <paramref name="times"/> lines of the container's output match <paramref name="pattern"/>.</summary>
    public static LogWaitStrategy ForLogLine(Regex pattern, int times = 1) => new(pattern, times);

    /// <summary>Waits until an HTTP GET of <paramref name="path"/> on container port <paramref name="port"/> answers 2xx.</summary>
    public static HttpWaitStrategy ForHttp(int port, string path = "/") => new(port, path);

    /// <summary>Waits until <paramref name="command"/>, run inside the container, exits with code 0.</summary>
    public static CommandWaitStrategy ForCommand(params string[] command) => new(command);

    /// <summary>Waits until every one of <paramref name="strategies"/> is satisfied, in order.</summary>
    public static AllOfWaitStrategy ForAll(params IWaitStrategy[] strategies) => new(strategies);

    /// <summary>Waits until the container's health check reports it healthy; an unhealthy report fails at once.</summary>
    public static HealthyWaitStrategy ForHealthy() => new();
}
