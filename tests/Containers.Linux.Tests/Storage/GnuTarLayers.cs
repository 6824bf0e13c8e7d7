using Containers.Testing;

namespace Containers.Linux.Tests.Storage;

/// <summary>Builds a source tree with every kind of file a layer carries, and describes a tree (metadata, contents, xattrs) for comparison.</summary>
internal static class GnuTarLayers
{
    /// <summary>Creates the tree: long and Unicode names, links, devices, special modes, odd owners, sub-second times and a file capability with a byte over 0x7F.</summary>
    public static async Task<string> BuildSourceTreeAsync(string root)
    {
        var deep = string.Join('/', Enumerable.Repeat(new string('d', 120), 3));
        var script = $"""
            set -e
            cd '{root}'
            mkdir -p bin etc/ünïcode {deep} sticky private
            echo elf > bin/ping
            setcap cap_setfcap,cap_net_raw+ep bin/ping
            printf 'root:x:0:0\n' > etc/passwd
            echo long > {deep}/file-with-a-long-name
            ln -s ../etc/passwd bin/passwd-link
            ln etc/passwd etc/passwd-hard
            mkfifo etc/fifo
            mknod etc/null c 1 3
            : > etc/ünïcode/empty
            chmod 4755 bin/ping; chmod 1777 sticky; chmod 0700 private; chmod 2640 etc/passwd
            chown 1000:1000 etc/passwd; chown 100000:100001 private
            touch -h -d '2021-02-03 04:05:06.123456789' bin/passwd-link etc/ünïcode/empty {deep}/file-with-a-long-name bin etc private
            """;
        Directory.CreateDirectory(root);
        await ExternalTool.RunCheckedAsync("sh", "-c", script);
        return root;
    }

    /// <summary>Lists every path below the root with type, mode, owner, size, links, mtime, link target, content hash and xattrs.</summary>
    public static async Task<string> DescribeAsync(string root)
    {
        var listing = await ExternalTool.RunCheckedAsync("sh", "-c",
            $"cd '{root}' && find . -mindepth 1 -printf '%p|%y|%m|%U|%G|%n|%T@|%l|' -exec sh -c 'if [ -f \"$1\" ] && [ ! -L \"$1\" ]; then sha256sum < \"$1\"; else echo; fi' _ {{}} \\; | LC_ALL=C sort");
        var attributes = await ExternalTool.RunCheckedAsync("sh", "-c",
            $"cd '{root}' && find . -mindepth 1 | LC_ALL=C sort | xargs -d '\\n' getfattr -h -d -m - -e hex 2>/dev/null || true");
        return listing + attributes;
    }

    /// <summary>Returns what getcap says about a file, without its path.</summary>
    public static async Task<string> GetCapAsync(string file) =>
        (await ExternalTool.RunCheckedAsync("getcap", file)).Replace(file, string.Empty, StringComparison.Ordinal).Trim();
}
