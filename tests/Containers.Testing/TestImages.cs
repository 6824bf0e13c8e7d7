using System.Formats.Tar;

namespace Containers.Testing;

/// <summary>Builds test images locally (no image is pulled from the internet): a busybox root filesystem from Debian's busybox-static.</summary>
public static class TestImages
{
    /// <summary>The busybox-static binary the images are made from.</summary>
    public const string BusyboxPath = "/bin/busybox";

    /// <summary>Gets the applets linked into the test root filesystem: every one this busybox has.</summary>
    public static IReadOnlyList<string> Applets => LazyApplets.Value;

    private static readonly Lazy<IReadOnlyList<string>> LazyApplets = new(() =>
    {
        var start = new System.Diagnostics.ProcessStartInfo(BusyboxPath, "--list") { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var list = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        return list.Where(a => a is not "busybox" && !a.Contains('[')).ToList();
    });

    /// <summary>Writes a busybox root filesystem as an uncompressed tar: /bin/busybox, applet links, /etc/passwd and /etc/group.</summary>
    public static async Task WriteBusyboxRootfsAsync(Stream destination, IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        if (!File.Exists(BusyboxPath))
        {
            throw new InvalidOperationException($"{BusyboxPath} is missing; install busybox-static (scripts/install-deps.sh does).");
        }

        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var dir in new[] { "bin", "etc", "tmp", "root", "home", "var", "proc", "sys", "dev" })
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, dir + "/") { Mode = dir == "tmp" ? (UnixFileMode)0x3FF | UnixFileMode.StickyBit : (UnixFileMode)0x1ED });
        }

        await using (var busybox = File.OpenRead(BusyboxPath))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { DataStream = busybox, Mode = (UnixFileMode)0x1ED });
        }

        foreach (var applet in Applets)
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", Mode = (UnixFileMode)0x1FF });
        }

        var files = new Dictionary<string, string>
        {
            ["etc/passwd"] = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\napp:x:1000:1000:app:/home:/bin/sh\n",
            ["etc/group"] = "root:x:0:\nnogroup:x:65534:\napp:x:1000:\n",
        };
        foreach (var (name, content) in extraFiles ?? new Dictionary<string, string>())
        {
            files[name] = content;
        }

        foreach (var (name, content) in files)
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
                Mode = (UnixFileMode)0x1A4,
            });
        }
    }

    /// <summary>Returns the busybox root filesystem tar as bytes.</summary>
    /// <summary>Gets the debootstrap'd Debian (bookworm, minbase) root filesystem tar that scripts/install-deps.sh builds and caches.</summary>
    /// <exception cref="FileNotFoundException">install-deps.sh has not run on this machine.</exception>
    public static string DebianRootfsPath
    {
        get
        {
            const string path = "/var/cache/containers-tests/debian-bookworm.tar";
            return File.Exists(path) ? path : throw new FileNotFoundException("the Debian test image is missing: run scripts/install-deps.sh, which builds it with debootstrap", path);
        }
    }

    /// <summary>
    /// Gets the Debian root filesystem with postgresql and redis-server that scripts/install-deps.sh builds and caches,
    /// whose <c>/usr/local/bin/docker-entrypoint.sh</c> follows the official postgres image's conventions.
    /// </summary>
    /// <exception cref="FileNotFoundException">install-deps.sh has not run on this machine.</exception>
    public static string ServicesRootfsPath
    {
        get
        {
            const string path = "/var/cache/containers-tests/debian-services.tar";
            return File.Exists(path) ? path : throw new FileNotFoundException("the services test image is missing: run scripts/install-deps.sh, which builds it from the Debian test image", path);
        }
    }

    /// <summary>The <c>docker import --change</c> settings that make the services root filesystem a postgres image like the official one.</summary>
    public static IReadOnlyList<string> PostgresChanges { get; } =
    [
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV PGDATA=/var/lib/postgresql/data",
        "ENTRYPOINT [\"docker-entrypoint.sh\"]",
        "CMD [\"postgres\"]",
        "EXPOSE 5432",
        "STOPSIGNAL SIGINT",
    ];

    /// <summary>The <c>docker import --change</c> settings that make the services root filesystem a redis image (protected mode off, as the official image).</summary>
    public static IReadOnlyList<string> RedisChanges { get; } =
    [
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "USER redis",
        "WORKDIR /var/lib/redis",
        "CMD [\"redis-server\", \"--protected-mode\", \"no\", \"--save\", \"\"]",
        "EXPOSE 6379",
    ];

    public static async Task<byte[]> BusyboxRootfsAsync(IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        using var buffer = new MemoryStream();
        await WriteBusyboxRootfsAsync(buffer, extraFiles);
        return buffer.ToArray();
    }
}
