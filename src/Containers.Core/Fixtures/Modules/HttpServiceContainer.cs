using System.Globalization;

namespace Containers.Fixtures;

/// <summary>A running HTTP service fixture; disposing it removes the container.</summary>
public sealed class HttpServiceContainer : FixtureContainer
{
    private readonly int _containerPort;

    internal HttpServiceContainer(FixtureContainer started, int containerPort)
        : base(started)
    {
        _containerPort = containerPort;
    }

    /// <summary>Gets the service's address on the host: <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://{Host}:{GetMappedPort(_containerPort)}/"));
}
