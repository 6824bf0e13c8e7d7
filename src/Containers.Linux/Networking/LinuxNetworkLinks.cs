using System.Globalization;
using Containers.Linux.Interop;

namespace Containers.Linux.Networking;

/// <summary>The <see cref="INetworkLinks"/> of the running kernel: rtnetlink sockets, setns(2), sysfs and <c>/proc/sys</c>.</summary>
internal sealed class LinuxNetworkLinks : INetworkLinks
{
    private const string ClassNet = "/sys/class/net";

    // One host-namespace socket at a time in the process; the requests are quick and synchronous.
    private static readonly SemaphoreSlim HostGate = new(1, 1);

    public async Task InHostAsync(Action<IRtnetlink> requests)
    {
        await HostGate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var netlink = Netlink.Open();
            requests(new RtnetlinkSocket(netlink));
        }
        finally
        {
            HostGate.Release();
        }
    }

    public Task InNamespaceAsync(int pid, Action<IRtnetlink> requests) =>
        NetworkNamespace.RunAsync(pid, () =>
        {
            // Opened on the thread that entered the namespace, so the socket acts there.
            using var netlink = Netlink.Open();
            requests(new RtnetlinkSocket(netlink));
        });

    public IReadOnlyList<NetworkLink> List()
    {
        var links = new List<NetworkLink>();
        foreach (var directory in Directory.EnumerateDirectories(ClassNet))
        {
            try
            {
                if (int.TryParse(File.ReadAllText(Path.Combine(directory, "ifindex")), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
                {
                    var alias = File.ReadAllText(Path.Combine(directory, "ifalias")).TrimEnd('\n');
                    links.Add(new NetworkLink(Path.GetFileName(directory), index, Directory.Exists(Path.Combine(directory, "bridge")), alias));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while listed.
            }
        }

        return links;
    }

    public int SetSysctl(string name, string value)
    {
        var path = Path.Combine("/proc/sys", name);
        try
        {
            if (File.ReadAllText(path).Trim() != value)
            {
                File.WriteAllText(path, value);
            }

            return 0;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Errno.ENOENT;
        }
        catch (UnauthorizedAccessException)
        {
            return Errno.EACCES;
        }
        catch (IOException e)
        {
            // .NET keeps the errno of an I/O error it has no dedicated exception for (EROFS, EPERM...) as the HResult.
            return e.HResult is > 0 and < 4096 ? e.HResult : Errno.EIO;
        }
    }
}
