using System.Globalization;

namespace Containers.Containers;

/// <summary>Maps <paramref name="Size"/> IDs starting at <paramref name="ContainerId"/> in a user namespace to IDs starting at <paramref name="HostId"/> on the host.</summary>
/// <param name="ContainerId">The first ID inside the container.</param>
/// <param name="HostId">The first ID on the host.</param>
/// <param name="Size">How many IDs are mapped.</param>
public sealed record IdMapping(uint ContainerId, uint HostId, uint Size)
{
    /// <summary>Parses <c>container:host:size</c>.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The text is malformed.</exception>
    public static IdMapping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length == 3
            && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var container)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var host)
            && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
        {
            return new IdMapping(container, host, size);
        }

        throw new InvalidContainerConfigurationException("userns", $"invalid ID mapping '{text}': use container:host:size, such as 0:100000:65536");
    }

    /// <summary>Returns the line written to <c>/proc/PID/uid_map</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ContainerId} {HostId} {Size}");
}
