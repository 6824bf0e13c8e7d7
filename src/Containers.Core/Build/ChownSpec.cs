using System.Globalization;

namespace Containers.Build;

/// <summary>Resolves a <c>--chown=user[:group]</c> against the stage's <c>/etc/passwd</c> and <c>/etc/group</c>.</summary>
internal static class ChownSpec
{
    /// <exception cref="BuildException">A name is not in the image's files.</exception>
    public static (int Uid, int Gid) Resolve(string spec, string? passwd, string? group)
    {
        var parts = spec.Split(':', 2);
        int uid;
        int gid;
        if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            gid = uid; // as Docker: a numeric user without a group gets the same numeric group
        }
        else
        {
            var entry = Find(passwd, parts[0]) ?? throw new BuildException($"--chown: unable to find user {parts[0]} in the image's /etc/passwd; use a numeric ID or add the user first");
            uid = Id(entry, 2, parts[0]);
            gid = Id(entry, 3, parts[0]);
        }

        if (parts.Length == 2)
        {
            gid = int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) ? numeric
                : Id(Find(group, parts[1]) ?? throw new BuildException($"--chown: unable to find group {parts[1]} in the image's /etc/group; use a numeric ID or add the group first"), 2, parts[1]);
        }

        return (uid, gid);
    }

    private static string[]? Find(string? file, string name) =>
        file?.Split('\n').Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 3 && f[0] == name);

    private static int Id(string[] entry, int field, string name) =>
        int.TryParse(entry[field], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new BuildException($"--chown: the entry for {name} has no valid ID");
}
