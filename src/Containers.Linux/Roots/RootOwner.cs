using System.Text;
using Containers.Hosting;
using Containers.Internal;
using Containers.Linux.Interop;

namespace Containers.Linux.Roots;

/// <summary>
/// This engine's root as the owner of kernel objects: its ID (made on first use, before any object), its entry in the
/// host's root registry, and the label that bridges, veths, tables, cgroup parents and monitors carry.
/// </summary>
internal sealed class RootOwner
{
    private readonly Lazy<OwnerLabel> _label;

    public RootOwner(StoreLayout layout) => _label = new(() =>
    {
        var identity = RootIdentity.Ensure(layout.Root);
        var label = new OwnerLabel(identity.Id, identity.Root);
        RootRegistry.Register(label, identity.Root);
        return label;
    });

    /// <summary>Creates an owner with a given label that writes and registers nothing: for tests of what carries the label.</summary>
    internal RootOwner(OwnerLabel label) => _label = new(label);

    /// <summary>Gets the label; the first call writes the root's ID and registers the root.</summary>
    public OwnerLabel Label => _label.Value;

    /// <summary>Gets the label's text.</summary>
    public string Text => Label.ToString();

    /// <summary>Labels a cgroup directory (a root's cgroup parent, in each hierarchy); best effort, as a file system without trusted xattrs only loses reclaim.</summary>
    public unsafe void LabelCgroup(string directory)
    {
        var value = Encoding.UTF8.GetBytes(Text);
        fixed (byte* v = value)
        {
            _ = Libc.setxattr(directory, OwnerLabel.CgroupAttribute, v, value.Length, 0);
        }
    }

    /// <summary>Reads the label of a cgroup directory; <see langword="null"/> when it has none.</summary>
    public static unsafe OwnerLabel? ReadCgroupLabel(string directory)
    {
        var buffer = new byte[4096];
        nint length;
        fixed (byte* b = buffer)
        {
            length = Libc.lgetxattr(directory, OwnerLabel.CgroupAttribute, b, buffer.Length);
        }

        return length > 0 ? OwnerLabel.Parse(Encoding.UTF8.GetString(buffer, 0, (int)length)) : null;
    }
}
