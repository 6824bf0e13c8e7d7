namespace Containers.Linux.Networking;

/// <summary>One network interface of the host as <see cref="INetworkLinks.List"/> reports it.</summary>
/// <param name="Name">The interface name.</param>
/// <param name="Index">The interface index, which a later interface of the same name does not share.</param>
/// <param name="IsBridge">Whether it is a bridge.</param>
/// <param name="Alias">The alias (where the engine's owner label is), empty when it has none.</param>
internal sealed record NetworkLink(string Name, int Index, bool IsBridge, string Alias);
