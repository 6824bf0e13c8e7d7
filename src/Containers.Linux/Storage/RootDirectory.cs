using Containers.Linux.Interop;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// Holds an open root directory and resolves paths under it with <c>openat2(RESOLVE_IN_ROOT)</c>, so no symbolic link
/// or <c>..</c> can lead outside it; each resolution is fresh, never cached.
/// </summary>
internal sealed class RootDirectory : IDisposable
{
    private const ulong InRoot = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS;

    /// <summary>How many times a resolution the kernel answers with EAGAIN is tried before the error is reported.</summary>
    internal const int ScopedAttempts = 64;

    public RootDirectory(string path)
    {
        Fd = Errno.Check(Libc.open(path, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0), $"opening {path}");
        Path = path;
    }

    public int Fd { get; }

    public string Path { get; }

    /// <summary>Gets or sets a set that records every directory <see cref="OpenDirectory"/> creates, as a path relative to the root.</summary>
    public HashSet<string>? Created { get; set; }

    /// <summary>Opens a directory inside the root, creating missing components (mode 0755) when asked.</summary>
    /// <returns>An O_PATH descriptor the caller closes.</returns>
    public int OpenDirectory(IReadOnlyList<string> components, bool create, string entry)
    {
        var path = components.Count == 0 ? "." : string.Join('/', components);
        var fd = OpenScoped(Fd, path, InRoot);
        if (fd >= 0 || !create || Errno.Last != Errno.ENOENT)
        {
            return fd >= 0 ? fd : throw Fail(entry, $"resolving its directory {path}");
        }

        // Create the missing components one at a time; every prefix is resolved from the root, as the container will see it.
        for (var i = 1; i <= components.Count; i++)
        {
            var prefix = string.Join('/', components.Take(i));
            var existing = OpenScoped(Fd, prefix, InRoot);
            if (existing >= 0)
            {
                if (i == components.Count)
                {
                    return existing;
                }

                Libc.close(existing);
                continue;
            }

            var parentPath = i == 1 ? "." : string.Join('/', components.Take(i - 1));
            var parent = OpenScoped(Fd, parentPath, InRoot);
            if (parent < 0)
            {
                throw Fail(entry, $"resolving directory {parentPath}");
            }

            var made = Libc.mkdirat(parent, components[i - 1], 0x1ED);
            Libc.close(parent);
            if (made < 0 && Errno.Last != Errno.EEXIST)
            {
                throw Fail(entry, $"creating directory {prefix}");
            }

            if (made == 0)
            {
                Created?.Add(prefix);
            }
        }

        return OpenScoped(Fd, path, InRoot) is var created and >= 0
            ? created
            : throw Fail(entry, $"resolving directory {path}");
    }

    /// <summary>Opens the parent of <paramref name="components"/> with RESOLVE_IN_ROOT semantics relative to the root, not to the parent.</summary>
    public int OpenParent(IReadOnlyList<string> components, bool create, string entry) =>
        OpenDirectory(components.Take(components.Count - 1).ToList(), create, entry);

    /// <summary>Opens the parent like <see cref="OpenParent"/>, but returns -1 when it does not exist.</summary>
    public int TryOpenParent(IReadOnlyList<string> components, string entry)
    {
        var path = components.Count <= 1 ? "." : string.Join('/', components.Take(components.Count - 1));
        var fd = OpenScoped(Fd, path, InRoot);
        return fd >= 0 || Errno.Last is Errno.ENOENT or Errno.ENOTDIR ? fd : throw Fail(entry, $"resolving its directory {path}");
    }

    /// <summary>
    /// Opens a directory with <c>openat2</c> and a scoped <paramref name="resolve"/> (RESOLVE_IN_ROOT or
    /// RESOLVE_BENEATH), trying again, at most <see cref="ScopedAttempts"/> times, while the kernel answers EAGAIN.
    /// </summary>
    /// <remarks>
    /// A scoped walk through <c>..</c> fails with EAGAIN when a rename or a mount anywhere on the machine raced it (the
    /// kernel can then not prove the walk stayed inside), and openat2(2) tells the caller to retry. Containers mounting
    /// and unpacking next to this process make that common; a bound keeps a walk that always races from spinning.
    /// </remarks>
    /// <returns>An O_PATH descriptor, or -1 with the error in <see cref="Errno.Last"/>.</returns>
    internal static int OpenScoped(int dirfd, string path, ulong resolve)
    {
        for (var attempt = 1; ; attempt++)
        {
            var fd = Libc.openat2(dirfd, path, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, resolve);
            if (fd >= 0 || Errno.Last != Errno.EAGAIN || attempt == ScopedAttempts)
            {
                return fd;
            }
        }
    }

    public static LayerApplyException Fail(string entry, string what) =>
        new(entry, $"{what} failed: {Errno.Describe(Errno.Last)}");

    public void Dispose() => Libc.close(Fd);
}
