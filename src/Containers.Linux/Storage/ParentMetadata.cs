using Containers.Linux.Interop;

namespace Containers.Linux.Storage;

/// <summary>
/// Gives the directories a layer unpacked on its own created only to hold its entries the owner, mode and time they
/// have in the parent layers, as overlayfs's copy-up would have when unpacking on top of the parents.
/// </summary>
internal static class ParentMetadata
{
    private const ulong NoLinks = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS;

    /// <param name="diff">The layer's diff directory.</param>
    /// <param name="parents">The parent layers' diff directories, base first.</param>
    /// <param name="directories">The created directories, relative to <paramref name="diff"/>.</param>
    /// <param name="mountPoint">An empty directory where the parents can be mounted as one read-only view.</param>
    public static void Copy(string diff, IReadOnlyList<string> parents, IReadOnlyCollection<string> directories, string mountPoint)
    {
        if (parents.Count == 0 || directories.Count == 0)
        {
            return;
        }

        var view = parents[0];
        if (parents.Count > 1)
        {
            Directory.CreateDirectory(mountPoint);
            OverlayMount.MountReadOnly(parents.Reverse().ToList(), mountPoint);
            view = mountPoint;
        }

        try
        {
            using var lower = new RootDirectory(view);
            using var upper = new RootDirectory(diff);
            foreach (var directory in directories)
            {
                CopyOne(lower, upper, directory.Split('/').ToList());
            }
        }
        finally
        {
            if (view == mountPoint)
            {
                OverlayMount.Unmount(mountPoint);
            }
        }
    }

    private static void CopyOne(RootDirectory lower, RootDirectory upper, List<string> components)
    {
        // Through a symlink of the parents the directory would not merge with ours, so only plain paths count.
        var parentPath = components.Count == 1 ? "." : string.Join('/', components.Take(components.Count - 1));
        var lowerParent = RootDirectory.OpenScoped(lower.Fd, parentPath, NoLinks);
        if (lowerParent < 0)
        {
            return;
        }

        var stat = Libc.StatAt(lowerParent, components[^1]);
        Libc.close(lowerParent);
        if (stat is not { } s || (s.Mode & Libc.S_IFMT) != Libc.S_IFDIR)
        {
            return;
        }

        var upperParent = upper.TryOpenParent(components, string.Join('/', components));
        if (upperParent < 0)
        {
            return;
        }

        try
        {
            if (Libc.FileType(upperParent, components[^1]) == Libc.S_IFDIR)
            {
                LayerApplier.SetDirectoryAttributes(upperParent, components[^1], s.Uid, s.Gid, s.Mode, s.Seconds, s.Nanoseconds);
            }
        }
        finally
        {
            Libc.close(upperParent);
        }
    }
}
