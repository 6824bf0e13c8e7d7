using System.Globalization;
using Containers.Internal;
using Containers.Storage;

namespace Containers.Containers;

/// <summary>
/// Turns a Docker user specification (<c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>) into IDs, reading
/// the container's own <c>/etc/passwd</c> and <c>/etc/group</c> without following links out of its root.
/// </summary>
internal static class UserResolver
{
    /// <exception cref="InvalidContainerConfigurationException">A name is not in the container's files.</exception>
    public static ResolvedUser Resolve(string rootfs, string? user)
    {
        var spec = string.IsNullOrEmpty(user) ? "0" : user;
        var parts = spec.Split(':', 2);
        var passwd = Parse(Read(rootfs, "/etc/passwd"));
        var groups = Parse(Read(rootfs, "/etc/group"));

        string[]? entry;
        uint uid;
        if (uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            entry = passwd.FirstOrDefault(e => e.Length > 2 && e[2] == parts[0]);
        }
        else
        {
            entry = passwd.FirstOrDefault(e => e[0] == parts[0])
                ?? throw new InvalidContainerConfigurationException("user", $"unable to find user {parts[0]}: no matching entries in passwd file");
            uid = ParseId(entry, 2, parts[0]);
        }

        var gid = entry is null ? 0 : ParseId(entry, 3, parts[0]);
        if (parts.Length == 2)
        {
            gid = uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var numeric)
                ? numeric
                : ParseId(groups.FirstOrDefault(g => g[0] == parts[1])
                    ?? throw new InvalidContainerConfigurationException("user", $"unable to find group {parts[1]}: no matching entries in group file"), 2, parts[1]);
        }

        var name = entry?[0];
        var supplementary = parts.Length == 2 || name is null
            ? []
            : groups.Where(g => g.Length > 3 && g[3].Split(',').Contains(name)).Select(g => ParseId(g, 2, g[0])).Where(g => g != gid).Distinct().ToList();
        var home = entry is { Length: > 5 } && entry[5].Length > 0 ? entry[5] : "/";
        return new ResolvedUser(uid, gid, supplementary, home);
    }

    private static string? Read(string rootfs, string path)
    {
        try
        {
            return InRootPath.ReadText(rootfs, path);
        }
        catch (IOException e)
        {
            throw new InvalidContainerConfigurationException("user", $"cannot read {path} in the container: {e.Message}");
        }
    }

    private static List<string[]> Parse(string? text) =>
        text is null ? [] : text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':')).ToList();

    private static uint ParseId(string[] entry, int field, string name) =>
        entry.Length > field && uint.TryParse(entry[field], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidContainerConfigurationException("user", $"the entry for {name} in the container has no valid ID");
}

/// <summary>The IDs a container's process runs with.</summary>
internal sealed record ResolvedUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids, string Home);
