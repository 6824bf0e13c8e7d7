using System.Runtime.InteropServices;
using System.Text;
using Containers.Archives.Tar;
using Containers.Linux.Interop;
using Containers.Storage;
using Microsoft.Win32.SafeHandles;

namespace Containers.Linux.Storage;

/// <summary>
/// Unpacks one uncompressed layer tar into a directory with OCI semantics (whiteouts, opaque directories, links,
/// devices, ownership, modes, times, extended attributes), never touching anything outside the directory.
/// </summary>
/// <remarks>
/// Every entry's parent is resolved afresh inside the root with <c>openat2(RESOLVE_IN_ROOT)</c>; the entry itself is
/// created, changed or removed with *at calls that do not follow a final symbolic link. An earlier entry that planted a
/// link therefore cannot redirect a later one, and hard links can only name files inside the root. The archive is read
/// by <see cref="StrictTarReader"/>, which refuses anything two tar readers could see differently.
/// </remarks>
internal sealed class LayerApplier
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const int AtSymlinkNoFollow = 0x100;
    private const long SysFchmodat2 = 452;

    private readonly RootDirectory _root;
    private readonly WhiteoutFormat _format;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly List<(List<string> Components, StrictTarEntry Entry)> _directories = [];
    private bool _detached;

    private LayerApplier(RootDirectory root, WhiteoutFormat format)
    {
        _root = root;
        _format = format;
    }

    /// <summary>Applies the layer; returns the number of entries.</summary>
    /// <exception cref="LayerApplyException">An entry is malformed or cannot be applied.</exception>
    public static async Task<int> ApplyAsync(Stream layer, string directory, WhiteoutFormat format, CancellationToken cancellationToken)
    {
        using var root = new RootDirectory(directory);
        return await new LayerApplier(root, format).ApplyAsync(layer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the layer in overlay form into an empty directory, without its parent layers; returns the directories
    /// created only because entries below them needed them, which should take their metadata from the parent layers.
    /// </summary>
    /// <exception cref="LayerApplyException">An entry is malformed or cannot be applied.</exception>
    /// <exception cref="LayerNeedsParentsException">A hard link names a file of a parent layer.</exception>
    public static async Task<IReadOnlyCollection<string>> ApplyDetachedAsync(Stream layer, string directory, CancellationToken cancellationToken)
    {
        using var root = new RootDirectory(directory) { Created = new HashSet<string>(StringComparer.Ordinal) };
        var applier = new LayerApplier(root, WhiteoutFormat.Overlay) { _detached = true };
        await applier.ApplyAsync(layer, cancellationToken).ConfigureAwait(false);
        return root.Created;
    }

    private async Task<int> ApplyAsync(Stream layer, CancellationToken cancellationToken)
    {
        var applier = this;
        var count = 0;
        try
        {
            var reader = new StrictTarReader(layer);
            while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
            {
                count++;
                await applier.ApplyEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            applier.RestoreDirectoryTimes();
        }
        catch (InvalidTarException e)
        {
            throw new LayerApplyException(e.Entry, $"the layer is not a valid, unambiguous tar archive: {e.Reason}", e);
        }

        return count;
    }

    private async Task ApplyEntryAsync(StrictTarEntry entry, CancellationToken cancellationToken)
    {
        var components = Components(entry.Name);
        if (components.Count == 0)
        {
            return; // the root directory itself
        }

        var name = components[^1];
        if (name == "..")
        {
            throw new LayerApplyException(entry.Name, "its name ends in '..'");
        }

        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            ApplyWhiteout(entry.Name, components);
            return;
        }

        var parent = _root.OpenParent(components, create: true, entry.Name);
        try
        {
            _written.Add(string.Join('/', components));
            await CreateAsync(entry, parent, name, cancellationToken).ConfigureAwait(false);
            if (entry.Kind is not TarEntryKind.HardLink)
            {
                SetMetadata(entry, parent, name);
            }

            if (entry.Kind is TarEntryKind.Directory)
            {
                _directories.Add((components, entry));
                _root.Created?.Remove(string.Join('/', components)); // the layer gave it its own metadata
            }
        }
        finally
        {
            Libc.close(parent);
        }
    }

    private async Task CreateAsync(StrictTarEntry entry, int parent, string name, CancellationToken cancellationToken)
    {
        var existing = Libc.FileType(parent, name);
        var isDirectory = entry.Kind is TarEntryKind.Directory;
        if (existing >= 0 && !(isDirectory && existing == Libc.S_IFDIR))
        {
            Remove(parent, name, entry.Name);
        }

        switch (entry.Kind)
        {
            case TarEntryKind.Directory:
                if (existing != Libc.S_IFDIR && Libc.mkdirat(parent, name, 0x1C0) < 0)
                {
                    throw RootDirectory.Fail(entry.Name, "mkdir");
                }

                break;
            case TarEntryKind.RegularFile:
                await WriteFileAsync(entry, parent, name, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryKind.SymbolicLink:
                if (Libc.symlinkat(entry.LinkName, parent, name) < 0)
                {
                    throw RootDirectory.Fail(entry.Name, "symlink");
                }

                break;
            case TarEntryKind.HardLink:
                Link(entry, parent, name);
                break;
            case TarEntryKind.CharacterDevice or TarEntryKind.BlockDevice or TarEntryKind.Fifo:
                var type = entry.Kind switch { TarEntryKind.CharacterDevice => Libc.S_IFCHR, TarEntryKind.BlockDevice => Libc.S_IFBLK, _ => Libc.S_IFIFO };
                if (Libc.mknodat(parent, name, type | 0x180, Libc.MakeDevice(entry.DeviceMajor, entry.DeviceMinor)) < 0)
                {
                    throw RootDirectory.Fail(entry.Name, "mknod");
                }

                break;
            default:
                throw new LayerApplyException(entry.Name, $"entries of kind {entry.Kind} are not supported in layers");
        }
    }

    private static async Task WriteFileAsync(StrictTarEntry entry, int parent, string name, CancellationToken cancellationToken)
    {
        var fd = Libc.openat(parent, name, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180);
        if (fd < 0)
        {
            throw RootDirectory.Fail(entry.Name, "creating the file");
        }

        var file = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 1);
        await using (file.ConfigureAwait(false))
        {
            await entry.Data.CopyToAsync(file, 128 * 1024, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets directory times again once their children exist, as tar does: creating a child changes the parent's mtime.</summary>
    private unsafe void RestoreDirectoryTimes()
    {
        var times = stackalloc long[4];
        foreach (var (components, entry) in _directories)
        {
            var parent = _root.TryOpenParent(components, entry.Name);
            if (parent < 0)
            {
                continue; // removed by a later whiteout
            }

            (times[0], times[1], times[2], times[3]) = (0, Libc.UTIME_OMIT, entry.ModificationSeconds, entry.ModificationNanoseconds);
            var error = Libc.utimensat(parent, components[^1], times, AtSymlinkNoFollow) < 0 && Errno.Last != Errno.ENOENT
                ? RootDirectory.Fail(entry.Name, "setting times")
                : null;
            Libc.close(parent);
            if (error is not null)
            {
                throw error;
            }
        }
    }

    /// <summary>Links to another file of the layer or of the layers below, resolved inside the root (a link to a symlink links the symlink).</summary>
    private void Link(StrictTarEntry entry, int parent, string name)
    {
        var target = Components(entry.LinkName);
        if (target.Count == 0 || target[^1] == "..")
        {
            throw new LayerApplyException(entry.Name, $"its link target '{entry.LinkName}' names no file");
        }

        var targetParent = _detached ? _root.TryOpenParent(target, entry.Name) : _root.OpenParent(target, create: false, entry.Name);
        if (targetParent < 0)
        {
            throw new LayerNeedsParentsException(entry.Name);
        }

        try
        {
            if (Libc.linkat(targetParent, target[^1], parent, name, 0) < 0)
            {
                if (_detached && Errno.Last == Errno.ENOENT)
                {
                    throw new LayerNeedsParentsException(entry.Name);
                }

                throw RootDirectory.Fail(entry.Name, $"linking to {entry.LinkName}");
            }
        }
        finally
        {
            Libc.close(targetParent);
        }
    }

    /// <summary>Sets owner, then mode (chown clears setuid bits), then extended attributes and times; never through a final link.</summary>
    private static unsafe void SetMetadata(StrictTarEntry entry, int parent, string name)
    {
        if (Libc.fchownat(parent, name, entry.Uid, entry.Gid, AtSymlinkNoFollow) < 0)
        {
            throw RootDirectory.Fail(entry.Name, "chown");
        }

        var isLink = entry.Kind is TarEntryKind.SymbolicLink;
        if (!isLink)
        {
            var bytes = Encoding.UTF8.GetBytes(name + "\0");
            fixed (byte* path = bytes)
            {
                if (Libc.syscall(SysFchmodat2, parent, (long)path, (long)entry.Mode, AtSymlinkNoFollow) < 0)
                {
                    throw RootDirectory.Fail(entry.Name, "chmod");
                }
            }
        }

        SetExtendedAttributes(entry, parent, name, isLink);
        var times = stackalloc long[4] { 0, Libc.UTIME_OMIT, entry.ModificationSeconds, entry.ModificationNanoseconds };
        if (Libc.utimensat(parent, name, times, AtSymlinkNoFollow) < 0)
        {
            throw RootDirectory.Fail(entry.Name, "setting times");
        }
    }

    /// <summary>Sets a directory's owner, mode and modification time, never through a final link.</summary>
    internal static unsafe void SetDirectoryAttributes(int parent, string name, int uid, int gid, int mode, long seconds, long nanoseconds)
    {
        if (Libc.fchownat(parent, name, uid, gid, AtSymlinkNoFollow) < 0)
        {
            throw RootDirectory.Fail(name, "chown");
        }

        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* path = bytes)
        {
            if (Libc.syscall(SysFchmodat2, parent, (long)path, mode & 0xFFF, AtSymlinkNoFollow) < 0)
            {
                throw RootDirectory.Fail(name, "chmod");
            }
        }

        var times = stackalloc long[4] { 0, Libc.UTIME_OMIT, seconds, nanoseconds };
        if (Libc.utimensat(parent, name, times, AtSymlinkNoFollow) < 0)
        {
            throw RootDirectory.Fail(name, "setting times");
        }
    }

    private static unsafe void SetExtendedAttributes(StrictTarEntry entry, int parent, string name, bool isLink)
    {
        foreach (var (attribute, bytes) in entry.ExtendedAttributes)
        {

            // A layer may not plant overlayfs's own markers or other trusted attributes.
            if (attribute.StartsWith("trusted.", StringComparison.Ordinal))
            {
                continue;
            }

            var path = $"/proc/self/fd/{parent}/{name}";
            fixed (byte* data = bytes)
            {
                var rc = isLink
                    ? Libc.lsetxattr(path, attribute, data, bytes.Length, 0)
                    : SetOnFile(parent, name, attribute, data, bytes.Length);
                if (rc < 0 && Errno.Last != 95)
                {
                    throw RootDirectory.Fail(entry.Name, $"setting extended attribute {attribute}");
                }
            }
        }
    }

    private static unsafe int SetOnFile(int parent, string name, string attribute, byte* data, int length)
    {
        var fd = Libc.openat(parent, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return -1;
        }

        // fsetxattr refuses O_PATH descriptors; the magic link leads to exactly this inode.
        var rc = Libc.setxattr($"/proc/self/fd/{fd}", attribute, data, length, 0);
        var errno = Errno.Last;
        Libc.close(fd);
        Marshal.SetLastPInvokeError(errno);
        return rc;
    }

    private void ApplyWhiteout(string entryName, List<string> components)
    {
        var name = components[^1];
        if (name == OpaqueMarker)
        {
            var directory = _root.OpenParent(components, create: true, entryName);
            try
            {
                if (_format == WhiteoutFormat.Overlay)
                {
                    SetOpaque(directory, entryName);
                }
                else
                {
                    var prefix = string.Join('/', components.Take(components.Count - 1));
                    RemoveChildrenExcept(directory, prefix, entryName);
                }
            }
            finally
            {
                Libc.close(directory);
            }

            return;
        }

        var hidden = name[WhiteoutPrefix.Length..];
        if (hidden.Length == 0 || hidden is "." or ".." || hidden.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            throw new LayerApplyException(entryName, "it is not a valid whiteout");
        }

        var parent = _format == WhiteoutFormat.Overlay
            ? _root.OpenParent(components, create: true, entryName)
            : _root.TryOpenParent(components, entryName);
        if (parent < 0)
        {
            return; // nothing below to delete
        }

        try
        {
            if (_format == WhiteoutFormat.Overlay)
            {
                if (Libc.FileType(parent, hidden) >= 0)
                {
                    Remove(parent, hidden, entryName);
                }

                if (Libc.mknodat(parent, hidden, Libc.S_IFCHR, 0) < 0)
                {
                    throw RootDirectory.Fail(entryName, "creating the whiteout");
                }
            }
            else if (Libc.FileType(parent, hidden) >= 0)
            {
                Remove(parent, hidden, entryName);
            }
        }
        finally
        {
            Libc.close(parent);
        }
    }

    private static unsafe void SetOpaque(int directory, string entryName)
    {
        var value = "y"u8;
        fixed (byte* data = value)
        {
            if (Libc.setxattr($"/proc/self/fd/{directory}", "trusted.overlay.opaque", data, 1, 0) < 0)
            {
                throw RootDirectory.Fail(entryName, "marking the directory opaque");
            }
        }
    }

    /// <summary>Empties a directory of what lower layers put there; what this layer wrote, before or after the marker, stays.</summary>
    private void RemoveChildrenExcept(int directory, string prefix, string entryName)
    {
        foreach (var child in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{directory}"))
        {
            var childName = Path.GetFileName(child);
            var relative = prefix.Length == 0 ? childName : prefix + "/" + childName;
            if (!_written.Contains(relative))
            {
                Remove(directory, childName, entryName);
            }
        }
    }

    /// <summary>Removes a file, link or whole directory tree named in <paramref name="parent"/>, never following links.</summary>
    private static void Remove(int parent, string name, string entryName)
    {
        if (Libc.unlinkat(parent, name, 0) == 0)
        {
            return;
        }

        if (Errno.Last is not (21 or Errno.EPERM))
        {
            throw RootDirectory.Fail(entryName, $"removing {name}");
        }

        // A directory: the magic link names exactly the inode the parent descriptor holds, so no link is followed.
        Directory.Delete($"/proc/self/fd/{parent}/{name}", recursive: true);
    }

    /// <summary>Splits an entry name into components, dropping leading slashes, empty parts and '.'.</summary>
    private static List<string> Components(string name) =>
        name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").ToList();
}
