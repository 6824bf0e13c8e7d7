using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>The calls the volume copier needs beyond the layer applier's: full lstat, lchown and listing extended attributes.</summary>
internal static unsafe partial class Libc
{
    /// <summary>The parts of struct stat (x86-64 layout) a copy preserves.</summary>
    public readonly record struct FileStatus(int Mode, int Uid, int Gid, ulong Device, long MtimeSeconds, long MtimeNanoseconds);

    /// <summary>lstat(2): the status of the path itself, never of a link's target.</summary>
    public static FileStatus? LinkStatus(string path)
    {
        var buffer = stackalloc byte[256];
        if (fstatatFull(AT_FDCWD, path, buffer, AT_SYMLINK_NOFOLLOW) < 0)
        {
            return null;
        }

        return new FileStatus(*(int*)(buffer + 24), *(int*)(buffer + 28), *(int*)(buffer + 32), *(ulong*)(buffer + 40), *(long*)(buffer + 88), *(long*)(buffer + 96));
    }

    /// <summary>lchown(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, int uid, int gid);

    /// <summary>chmod(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int chmod(string path, int mode);

    /// <summary>llistxattr(2): the NUL-separated attribute names, or -1 with errno.</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint llistxattr(string path, byte* list, nint size);

    [LibraryImport(Library, EntryPoint = "fstatat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fstatatFull(int dirfd, string path, byte* stat, int flags);
}
