using System.Globalization;
using System.Net;
using Containers.Containers;

namespace Containers.Fixtures;

/// <summary>
/// Waits until a process in the container listens on a TCP port on an address other containers and the host can reach
/// (a wildcard or the container's own address, not loopback). It looks at the sockets of the container's network
/// namespace (<c>/proc/&lt;pid&gt;/net/tcp</c> and <c>tcp6</c> of its first process), not at a host connection that
/// the port forwarding would accept before the service listens.
/// </summary>
/// <param name="Port">The port inside the container.</param>
public sealed record PortWaitStrategy(int Port) : IWaitStrategy
{
    private const string Listen = "0A";

    /// <inheritdoc/>
    public TimeSpan Timeout { get; init; } = Wait.DefaultTimeout;

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"port {Port}/tcp listening");

    /// <summary>Returns a copy that waits at most <paramref name="timeout"/>.</summary>
    public PortWaitStrategy WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <inheritdoc/>
    public async Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tables = await ReadHostProcAsync(context.Details.State.Pid, cancellationToken).ConfigureAwait(false)
            ?? await ReadInContainerAsync(context, cancellationToken).ConfigureAwait(false);
        return IsListening(tables, Port);
    }

    /// <summary>Finds a listening socket on <paramref name="port"/> at a non-loopback address in <c>/proc/net/tcp</c>-formatted text.</summary>
    internal static bool IsListening(string tables, int port)
    {
        foreach (var line in tables.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != Listen)
            {
                continue;
            }

            var colon = fields[1].IndexOf(':', StringComparison.Ordinal);
            if (colon < 0
                || !int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var localPort)
                || localPort != port)
            {
                continue;
            }

            if (ParseAddress(fields[1][..colon]) is { } address && !IsLoopback(address))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<string?> ReadHostProcAsync(int pid, CancellationToken cancellationToken)
    {
        if (pid <= 0 || !OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var tcp = await File.ReadAllTextAsync($"/proc/{pid}/net/tcp", cancellationToken).ConfigureAwait(false);
            var tcp6 = File.Exists($"/proc/{pid}/net/tcp6") ? await File.ReadAllTextAsync($"/proc/{pid}/net/tcp6", cancellationToken).ConfigureAwait(false) : string.Empty;
            return tcp + tcp6;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // not ours to read (or gone): ask inside the container instead
        }
    }

    private static async Task<string> ReadInContainerAsync(WaitContext context, CancellationToken cancellationToken)
    {
        var result = await context.Engine.Containers.ExecAsync(context.Container.Id, ["cat", "/proc/net/tcp", "/proc/net/tcp6"], cancellationToken).ConfigureAwait(false);
        return result.Stdout;
    }

    /// <summary>Decodes a <c>/proc/net/tcp</c> address: 32-bit words in host (little-endian) order.</summary>
    private static IPAddress? ParseAddress(string hex)
    {
        if (hex.Length is not (8 or 32))
        {
            return null;
        }

        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            for (var i = 0; i < 4; i++)
            {
                if (!byte.TryParse(hex.AsSpan((word * 8) + ((3 - i) * 2), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[(word * 4) + i]))
                {
                    return null;
                }
            }
        }

        return new IPAddress(bytes);
    }

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
