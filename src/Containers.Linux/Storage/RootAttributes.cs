using Containers.Linux.Interop;

namespace Containers.Linux.Storage;

/// <summary>Gives a new snapshot's root directory the owner and mode of its parent's root, or 0755 without a parent.</summary>
internal static class RootAttributes
{
    private const UnixFileMode Default = (UnixFileMode)0x1ED; // 0755, whatever the process's umask

    public static void SetDefault(string directory) => File.SetUnixFileMode(directory, Default);

    /// <exception cref="IOException">The kernel refused the chown or chmod.</exception>
    public static void Copy(string from, string to)
    {
        if (Libc.LinkStatus(from) is not { } status)
        {
            return; // a parent without a root directory of its own shows the default
        }

        Errno.Check(Libc.lchown(to, status.Uid, status.Gid), $"giving {to} the owner of {from}");
        Errno.Check(Libc.chmod(to, status.Mode & 0xFFF), $"giving {to} the mode of {from}");
    }
}
