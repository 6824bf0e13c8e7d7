using System.Text;

namespace Containers.Linux.Roots;

/// <summary>
/// The text every kernel object of a root carries to name its owner, <c>dotnet-containers id=&lt;root ID&gt; root=&lt;path&gt;</c>:
/// a bridge's or veth's <c>ifalias</c>, an nftables table's comment, a cgroup parent's extended attribute, a monitor's
/// environment.
/// </summary>
/// <param name="Id">The root's ID (see <c>root-id</c>).</param>
/// <param name="Root">The root's absolute path; <see langword="null"/> when it was too long for the label, and then looked up in the host's root registry.</param>
internal sealed record OwnerLabel(string Id, string? Root)
{
    /// <summary>The prefix that marks a label as this engine's; nothing else is ever taken for one.</summary>
    public const string Prefix = "dotnet-containers ";

    /// <summary>The environment variable that carries the label into a monitor, readable in <c>/proc/&lt;pid&gt;/environ</c>.</summary>
    public const string EnvironmentVariable = "DOTNET_CONTAINERS_OWNER";

    /// <summary>The extended attribute that carries the label on a root's cgroup parent.</summary>
    public const string CgroupAttribute = "trusted.dotnet-containers.owner";

    /// <summary>The longest label every carrier holds: an nftables comment (256 bytes of user data, less a type, a length and a NUL).</summary>
    public const int MaxBytes = 253;

    /// <summary>Returns the label's text, without the path when the path would not fit.</summary>
    public override string ToString()
    {
        var full = $"{Prefix}id={Id} root={Root}";
        return Root is not null && Encoding.UTF8.GetByteCount(full) <= MaxBytes ? full : $"{Prefix}id={Id}";
    }

    /// <summary>Reads a label; <see langword="null"/> for any other text (another program's alias or comment).</summary>
    public static OwnerLabel? Parse(string? text)
    {
        if (text is null || !text.StartsWith(Prefix + "id=", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = text[(Prefix.Length + 3)..].TrimEnd('\0', '\n');
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var id = space < 0 ? rest : rest[..space];
        if (id.Length != 16 || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        string? root = null;
        if (space >= 0 && rest[(space + 1)..] is var tail && tail.StartsWith("root=/", StringComparison.Ordinal))
        {
            root = tail["root=".Length..];
        }

        return new OwnerLabel(id, root);
    }
}
