using System.Globalization;
using System.Text;
using Containers.Linux.Networking;

namespace Containers.Linux.Roots;

/// <summary>Owner labels on network interfaces: written as the <c>ifalias</c> over rtnetlink, read back from sysfs.</summary>
internal static class LinkLabels
{
    /// <summary>The rtnetlink attribute of an interface's alias.</summary>
    public const ushort IFLA_IFALIAS = 20;

    private const string ClassNet = "/sys/class/net";

    public static byte[] Encode(string label) => Encoding.UTF8.GetBytes(label + "\0");

    /// <summary>Sets the alias of interface <paramref name="index"/>; a kernel cannot set it at creation, so this follows at once.</summary>
    public static void Label(Netlink netlink, int index, string label, string step) =>
        netlink.Send(new NetlinkMessage(Netlink.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK).IfInfo(index).Attribute(IFLA_IFALIAS, Encode(label)), step);

    /// <summary>Lists the host's interfaces that carry an owner label: name, index, whether a bridge, and the label.</summary>
    public static List<(string Name, int Index, bool Bridge, OwnerLabel Owner)> List()
    {
        var links = new List<(string, int, bool, OwnerLabel)>();
        foreach (var directory in Directory.EnumerateDirectories(ClassNet))
        {
            try
            {
                if (OwnerLabel.Parse(File.ReadAllText(Path.Combine(directory, "ifalias")).TrimEnd('\n')) is { } owner
                    && int.TryParse(File.ReadAllText(Path.Combine(directory, "ifindex")), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
                {
                    links.Add((Path.GetFileName(directory), index, Directory.Exists(Path.Combine(directory, "bridge")), owner));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while listed.
            }
        }

        return links;
    }

    /// <summary>Deletes an interface by index, which a new interface of the same name cannot have; gone already is fine.</summary>
    public static void Delete(Netlink netlink, int index, string name) =>
        netlink.Send(new NetlinkMessage(Netlink.RTM_DELLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK).IfInfo(index), $"deleting interface {name}", 19);
}
