using System.Formats.Tar;

namespace Containers.Testing;

/// <summary>Reads a tar into memory and writes one back, so tests can tamper with real archives entry by entry.</summary>
public static class TarArchive
{
    public sealed record Entry(string Name, byte[] Data, TarEntryType Type = TarEntryType.RegularFile, string? LinkName = null);

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
