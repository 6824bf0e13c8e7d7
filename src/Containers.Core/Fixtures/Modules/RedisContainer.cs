using System.Globalization;

namespace Containers.Fixtures;

/// <summary>A running Redis fixture; disposing it removes the container.</summary>
public sealed class RedisContainer : FixtureContainer
{
    internal RedisContainer(FixtureContainer started)
        : base(started)
    {
    }

    /// <summary>Gets the host port the server answers on, at <see cref="FixtureContainer.Host"/>.</summary>
    public int Port => GetMappedPort(RedisBuilder.Port);

    /// <summary>Gets the endpoint as Redis clients take it: <c>127.0.0.1:PORT</c>.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
