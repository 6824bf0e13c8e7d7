using Containers.Linux.Interop;
using Containers.Linux.Networking;

namespace Containers.Linux.Roots;

/// <summary>Owner labels on network interfaces: written as the <c>ifalias</c> over rtnetlink, read back from sysfs.</summary>
internal static class LinkLabels
{
    /// <summary>Lists the host's interfaces that carry an owner label: name, index, whether a bridge, and the label.</summary>
    public static List<(string Name, int Index, bool Bridge, OwnerLabel Owner)> List(INetworkLinks links)
    {
        var labelled = new List<(string, int, bool, OwnerLabel)>();
        foreach (var link in links.List())
        {
            if (OwnerLabel.Parse(link.Alias) is { } owner)
            {
                labelled.Add((link.Name, link.Index, link.IsBridge, owner));
            }
        }

        return labelled;
    }

    /// <summary>Deletes an interface by index, which a new interface of the same name cannot have; gone already is fine.</summary>
    /// <exception cref="NetworkSetupException">The kernel refused.</exception>
    public static void Delete(IRtnetlink links, int index, string name)
    {
        var errno = links.DeleteLink(index);
        if (errno is not (0 or Errno.ENODEV))
        {
            throw new NetworkSetupException($"deleting interface {name}", Errno.Describe(errno));
        }
    }
}
