using System.Formats.Tar;

namespace Containers.Testing;

/// <summary>Reads a tar into memory and writes one back, so tests can tamper with real archives entry by entry.</summary>
public static class TarArchive
{
    public sealed record Entry(string Name, byte[] Data, TarEntryType Type = TarEntryType.RegularFile, string? LinkName = null)
    {
        public UnixFileMode Mode { get; init; } = (UnixFileMode)0x1A4;

        public int Uid { get; init; }

        public int Gid { get; init; }

        public DateTimeOffset Time { get; init; } = DateTimeOffset.UnixEpoch.AddDays(1);

        public int DeviceMajor { get; init; }

        public int DeviceMinor { get; init; }
    }

    public static List<Entry> Read(byte[] archive)
    {
        var entries = new List<Entry>();
        using var reader = new TarReader(new MemoryStream(archive));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add(new Entry(entry.Name, data.ToArray(), entry.EntryType, string.IsNullOrEmpty(entry.LinkName) ? null : entry.LinkName));
        }

        return entries;
    }

    public static byte[] Write(IEnumerable<Entry> entries, TarEntryFormat format = TarEntryFormat.Pax)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, format, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                TarEntry tarEntry = format == TarEntryFormat.Gnu ? new GnuTarEntry(entry.Type, entry.Name) : new PaxTarEntry(entry.Type, entry.Name);
                if (entry.LinkName is not null)
                {
                    tarEntry.LinkName = entry.LinkName;
                }

                tarEntry.Mode = entry.Type == TarEntryType.Directory && entry.Mode == (UnixFileMode)0x1A4 ? (UnixFileMode)0x1ED : entry.Mode;
                tarEntry.Uid = entry.Uid;
                tarEntry.Gid = entry.Gid;
                tarEntry.ModificationTime = entry.Time;
                if (tarEntry is PosixTarEntry posix && entry.Type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
                {
                    posix.DeviceMajor = entry.DeviceMajor;
                    posix.DeviceMinor = entry.DeviceMinor;
                }

                if (entry.Type is TarEntryType.RegularFile)
                {
                    tarEntry.DataStream = new MemoryStream(entry.Data);
                }

                writer.WriteEntry(tarEntry);
            }
        }

        return output.ToArray();
    }
}
