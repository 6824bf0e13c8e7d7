namespace Containers.Linux.Runtime;

/// <summary>Turns OCI mount options (<c>nosuid</c>, <c>ro</c>, <c>rbind</c>, <c>size=64k</c>) into mount(2) flags and data.</summary>
internal static class MountOptions
{
    public const ulong ReadOnly = 1;
    public const ulong NoSuid = 2;
    public const ulong NoDev = 4;
    public const ulong NoExec = 8;
    public const ulong Remount = 32;
    public const ulong Bind = 4096;
    public const ulong Recursive = 16384;
    public const ulong Private = 1 << 18;
    public const ulong Slave = 1 << 19;
    public const ulong Shared = 1 << 20;
    public const ulong Unbindable = 1 << 17;
    public const ulong StrictAtime = 1 << 24;
    public const int Detach = 2;

    private static readonly Dictionary<string, (ulong Set, bool Clear)> Flags = new(StringComparer.Ordinal)
    {
        ["ro"] = (ReadOnly, false), ["rw"] = (ReadOnly, true),
        ["nosuid"] = (NoSuid, false), ["suid"] = (NoSuid, true),
        ["nodev"] = (NoDev, false), ["dev"] = (NoDev, true),
        ["noexec"] = (NoExec, false), ["exec"] = (NoExec, true),
        ["sync"] = (16, false), ["async"] = (16, true),
        ["dirsync"] = (128, false),
        ["noatime"] = (1024, false), ["atime"] = (1024, true),
        ["nodiratime"] = (2048, false), ["diratime"] = (2048, true),
        ["relatime"] = (1 << 21, false), ["norelatime"] = (1 << 21, true),
        ["strictatime"] = (StrictAtime, false), ["nostrictatime"] = (StrictAtime, true),
        ["bind"] = (Bind, false), ["rbind"] = (Bind | Recursive, false),
        ["defaults"] = (0, false),
    };

    private static readonly Dictionary<string, ulong> Propagation = new(StringComparer.Ordinal)
    {
        ["private"] = Private, ["rprivate"] = Private | Recursive,
        ["slave"] = Slave, ["rslave"] = Slave | Recursive,
        ["shared"] = Shared, ["rshared"] = Shared | Recursive,
        ["unbindable"] = Unbindable, ["runbindable"] = Unbindable | Recursive,
    };

    /// <summary>Splits options into mount flags, propagation flags and the file-system-specific data string.</summary>
    public static (ulong Flags, ulong Propagation, string? Data) Parse(IReadOnlyList<string>? options)
    {
        ulong flags = 0, propagation = 0;
        var data = new List<string>();
        foreach (var option in options ?? [])
        {
            if (Flags.TryGetValue(option, out var flag))
            {
                flags = flag.Clear ? flags & ~flag.Set : flags | flag.Set;
            }
            else if (Propagation.TryGetValue(option, out var value))
            {
                propagation |= value;
            }
            else
            {
                data.Add(option);
            }
        }

        return (flags, propagation, data.Count == 0 ? null : string.Join(',', data));
    }
}
