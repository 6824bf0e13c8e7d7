using System.Globalization;
using Containers.Linux.Interop;

namespace Containers.Linux.Runtime.Oci;

/// <summary><c>list</c>: every container of the state root, as runc lists them.</summary>
internal sealed partial class BundleRuntime
{
    /// <summary>
    /// Lists the containers of the state root by name; a directory without a readable state is reported through
    /// <paramref name="warn"/> and left out, as runc does. No state root yet means no containers.
    /// </summary>
    public IReadOnlyList<OciListEntry> List(Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(warn);
        if (!Directory.Exists(stateRoot))
        {
            return [];
        }

        var entries = new List<OciListEntry>();
        foreach (var directory in Directory.EnumerateDirectories(stateRoot).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(directory);
            OciStateRecord record;
            string status;
            try
            {
                record = Load(id);
                status = Status(record);
            }
            catch (Exception e) when (e is ContainersException or IOException or System.Text.Json.JsonException)
            {
                warn($"load container {id}: {e.Message}");
                continue;
            }

            entries.Add(new OciListEntry
            {
                OciVersion = record.OciVersion ?? "1.2.0",
                Id = record.Id,
                Pid = status == "stopped" ? 0 : record.Pid,
                Status = status,
                Bundle = record.Bundle,
                Rootfs = record.Rootfs,
                Created = GoTime(record.Created),
                Annotations = record.Annotations is { Count: > 0 } annotations ? new SortedDictionary<string, string>(annotations.ToDictionary(), StringComparer.Ordinal) : null,
                Owner = OwnerName(Libc.LinkStatus(directory)?.Uid ?? 0),
            });
        }

        return entries;
    }

    /// <summary>Formats a time as Go's RFC3339Nano: fraction without trailing zeros, "Z" for UTC.</summary>
    public static string GoTime(DateTimeOffset time)
    {
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return text + (time.Offset == TimeSpan.Zero ? "Z" : time.ToString("zzz", CultureInfo.InvariantCulture));
    }

    /// <summary>The host user name of a uid, from /etc/passwd, or "#uid" as runc writes an unknown one.</summary>
    private static string OwnerName(int uid)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == uid.ToString(CultureInfo.InvariantCulture))
                {
                    return fields[0];
                }
            }
        }
        catch (IOException)
        {
            // No passwd file: the number stands for the user.
        }

        return "#" + uid.ToString(CultureInfo.InvariantCulture);
    }
}
