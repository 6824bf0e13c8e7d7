using System.Formats.Tar;
using System.Text;
using Containers.Archives.Tar;
using Containers.Testing;

namespace Containers.Core.Tests.Archives.Tar;

/// <summary>The strict reader reads standard archives like the BCL does and refuses every trick that could make two readers disagree.</summary>
public sealed class StrictTarReaderTests
{
    private static readonly byte[] Binary = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x80, 0xFF, 0xC3, 0x28, 0x00];

    private static async Task<List<(StrictTarEntry Entry, byte[] Data)>> ReadAllAsync(byte[] archive)
    {
        var reader = new StrictTarReader(new MemoryStream(archive));
        var entries = new List<(StrictTarEntry, byte[])>();
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            using var data = new MemoryStream();
            await entry.Data.CopyToAsync(data);
            entries.Add((entry, data.ToArray()));
        }

        return entries;
    }

    public static TheoryData<string, byte[], string, string> Tricks => new()
    {
        { "two PAX headers", RawTar.Concat(RawTar.Pax(("path", "a")), RawTar.Pax(("path", "b")), RawTar.File("c", "x"), RawTar.End()), "(header", "more than one PAX header" },
        { "PAX then GNU long name", RawTar.Concat(RawTar.Pax(("path", "a")), RawTar.GnuLong('L', "b"), RawTar.File("c", "x"), RawTar.End()), "(header", "both a PAX header and a GNU long name" },
        { "GNU long name then PAX", RawTar.Concat(RawTar.GnuLong('L', "b"), RawTar.Pax(("path", "a")), RawTar.File("c", "x"), RawTar.End()), "(header", "both a GNU long name or link and a PAX header" },
        { "two GNU long names", RawTar.Concat(RawTar.GnuLong('L', "a"), RawTar.GnuLong('L', "b"), RawTar.File("c", "x"), RawTar.End()), "(header", "more than one GNU long name" },
        { "PAX then GNU long link", RawTar.Concat(RawTar.Pax(("path", "a")), RawTar.GnuLong('K', "b"), RawTar.Header("c", '2', linkName: "t"), RawTar.End()), "(header", "both a PAX header and a GNU long link" },
        { "global header setting a path", RawTar.Concat(RawTar.Pax('g', ("path", "x"u8.ToArray())), RawTar.File("c", "x"), RawTar.End()), "(header", "global header sets path" },
        { "global header between an entry's headers", RawTar.Concat(RawTar.Pax(("path", "a")), RawTar.Pax('g', ("comment", "x"u8.ToArray())), RawTar.File("c", "x"), RawTar.End()), "(header", "global header sits between" },
        { "PAX size contradicting the header", RawTar.Concat(RawTar.Pax(("size", "0")), RawTar.File("hidden", "x"), RawTar.End()), "hidden", "PAX size 0 contradicts its header size 1" },
        { "data on a symlink", RawTar.Concat(RawTar.Header("evil-link", '2', 512, "target"), new byte[512], RawTar.End()), "evil-link", "SymbolicLink but carries 512 bytes" },
        { "data on a directory", RawTar.Concat(RawTar.Header("dir/", '5', 512), new byte[512], RawTar.End()), "dir/", "Directory but carries 512 bytes" },
        { "data on a hard link", RawTar.Concat(RawTar.File("f", "x"), RawTar.Header("h", '1', 1, "f"), RawTar.Data("y"u8.ToArray()), RawTar.End()), "h", "HardLink but carries 1 bytes" },
        { "GNU sparse entry", RawTar.Concat(RawTar.Header("sparse", 'S', 0, gnu: true), RawTar.End()), "sparse", "GNU sparse file" },
        { "PAX sparse entry", RawTar.Concat(RawTar.Pax(("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0")), RawTar.File("sparse", "x"), RawTar.End()), "sparse", "sparse file" },
        { "bad checksum", RawTar.Concat(RawTar.Header("f", tamper: h => h[0] = (byte)'g'), RawTar.End()), "(header at byte 0)", "checksum is wrong" },
        { "garbage after the end marker", RawTar.Concat(RawTar.File("f", "x"), RawTar.End(), "hidden"u8.ToArray()), "(end of archive", "non-NUL bytes follow" },
        { "a lone zero block, then more", RawTar.Concat(RawTar.File("f", "x"), new byte[512], RawTar.File("hidden", "x"), RawTar.End()), "(end of archive", "single zero block is followed" },
        { "NUL in a PAX path", RawTar.Concat(RawTar.Pax(("path", "a\0b")), RawTar.File("c", "x"), RawTar.End()), "(header)", "contains a NUL byte" },
        { "NUL in a GNU long name", RawTar.Concat(RawTar.GnuLong('L', "a\0b"), RawTar.File("c", "x"), RawTar.End()), "(header", "contains a NUL byte" },
        { "invalid UTF-8 in a name", RawTar.Concat(RawTar.Header([0x61, 0xFF, 0x62], size: 0), RawTar.End()), "(header)", "not valid UTF-8" },
        { "invalid UTF-8 in a PAX path", RawTar.Concat(RawTar.Pax('x', ("path", [0xC3, 0x28])), RawTar.File("c", "x"), RawTar.End()), "(header)", "not valid UTF-8" },
        { "negative size", RawTar.Concat(RawTar.Header("neg", tamper: h => { h[124] = 0xFF; Array.Fill(h, (byte)0xFF, 125, 11); RawTar.Checksum(h); }), RawTar.End()), "(header", "size is negative" },
        { "overflowing size", RawTar.Concat(RawTar.Header("big", tamper: h => { h[124] = 0x80; Array.Fill(h, (byte)0x7F, 125, 11); RawTar.Checksum(h); }), RawTar.End()), "(header", "size overflows" },
        { "garbage in a number", RawTar.Concat(RawTar.Header("g", tamper: h => { h[134] = (byte)'9'; RawTar.Checksum(h); }), RawTar.End()), "(header", "size field is not an octal number" },
        { "PAX size overflowing", RawTar.Concat(RawTar.Pax(("size", "99999999999999999999")), RawTar.File("c", "x"), RawTar.End()), "c", "not a non-negative decimal" },
        { "PAX key set twice", RawTar.Concat(RawTar.Pax(("path", "a"), ("path", "b")), RawTar.File("c", "x"), RawTar.End()), "(header", "sets 'path' twice" },
        { "malformed PAX record", RawTar.Concat(RawTar.Header("PaxHeaders/x", 'x', 9), RawTar.Data("9 path=a\n"u8.ToArray()[..8]), RawTar.File("c", "x"), RawTar.End()), "(header", "malformed record" },
        { "empty PAX path", RawTar.Concat(RawTar.Pax(("path", "")), RawTar.File("c", "x"), RawTar.End()), "(header)", "PAX path is empty" },
        { "extended header without an entry", RawTar.Concat(RawTar.Pax(("path", "a")), RawTar.End()), "(header", "end-of-archive marker follows" },
        { "truncated data", RawTar.Concat(RawTar.Header("short", size: 1000), new byte[512]), "short", "ends inside its data" },
        { "truncated header", RawTar.Concat(RawTar.File("f", "x"), RawTar.File("g", "y")[..300]), "(header", "ends inside a header" },
        { "unknown entry type", RawTar.Concat(RawTar.Header("vol", 'V'), RawTar.End()), "vol", "entry type 'V' is not supported" },
        { "regular file named like a directory", RawTar.Concat(RawTar.Header("d/"), RawTar.End()), "d/", "named like a directory" },
        { "uid out of range", RawTar.Concat(RawTar.Pax(("uid", "4294967295")), RawTar.File("c", "x"), RawTar.End()), "c", "uid 4294967295 is out of range" },
        { "non-UTF-8 header charset", RawTar.Concat(RawTar.Pax(("hdrcharset", "BINARY")), RawTar.File("c", "x"), RawTar.End()), "c", "not UTF-8" },
    };

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task Refuses_archives_two_readers_could_see_differently(string trick, byte[] archive, string entry, string reason)
    {
        var act = () => ReadAllAsync(archive);

        var error = (await act.Should().ThrowAsync<InvalidTarException>(trick)).Which;
        error.Entry.Should().StartWith(entry, trick);
        error.Reason.Should().Contain(reason, trick);
    }

    [Fact]
    public async Task Keeps_PAX_extended_attribute_values_byte_for_byte()
    {
        var archive = RawTar.Concat(
            RawTar.Pax('x', ("SCHILY.xattr.security.capability", Binary), ("SCHILY.xattr.user.empty", [])),
            RawTar.File("bin/ping", "elf"),
            RawTar.End());

        var entries = await ReadAllAsync(archive);

        entries.Should().ContainSingle();
        entries[0].Entry.ExtendedAttributes["security.capability"].Should().Equal(Binary);
        entries[0].Entry.ExtendedAttributes["user.empty"].Should().BeEmpty();
        entries[0].Data.Should().Equal("elf"u8.ToArray());
    }

    [Fact]
    public async Task Resolves_names_from_PAX_GNU_long_names_and_ustar_prefixes()
    {
        var longName = string.Join('/', Enumerable.Repeat("directory-name-of-some-length", 12)) + "/file";
        var prefixed = RawTar.Header("name", size: 0, tamper: h => { "some/prefix"u8.CopyTo(h.AsSpan(345)); RawTar.Checksum(h); });
        var archive = RawTar.Concat(
            RawTar.Pax(("path", longName), ("mtime", "1700000000.5"), ("uid", "100000"), ("comment", "ignored")),
            RawTar.File("short", "a"),
            RawTar.GnuLong('L', longName + "2"),
            RawTar.GnuLong('K', "target/" + longName),
            RawTar.Header("trunc", '2', linkName: "trunc-target"),
            prefixed,
            RawTar.Pax('g', ("comment", "a global comment"u8.ToArray())),
            RawTar.Header("dir/", '5'),
            RawTar.End(),
            new byte[8192]);

        var entries = (await ReadAllAsync(archive)).Select(e => e.Entry).ToList();

        entries.Select(e => e.Name).Should().Equal(longName, longName + "2", "some/prefix/name", "dir/");
        entries[0].ModificationSeconds.Should().Be(1700000000);
        entries[0].ModificationNanoseconds.Should().Be(500_000_000);
        entries[0].Uid.Should().Be(100000);
        entries[1].Kind.Should().Be(TarEntryKind.SymbolicLink);
        entries[1].LinkName.Should().Be("target/" + longName);
        entries[3].Kind.Should().Be(TarEntryKind.Directory);
    }

    [Theory]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.V7)]
    public async Task Reads_what_the_BCL_writes_as_the_BCL_reads_it(TarEntryFormat format)
    {
        var name = format is TarEntryFormat.V7 or TarEntryFormat.Ustar ? "dir/ünïcode-file" : "dir/" + new string('n', 150) + "/ünïcode-file";
        using var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, format, leaveOpen: true))
        {
            writer.WriteEntry(Entry(format, TarEntryType.Directory, "dir/"));
            var file = Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, name);
            file.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(new string('x', 1000)));
            file.Uid = 1234;
            file.Mode = (UnixFileMode)0xDED;
            writer.WriteEntry(file);
            var link = Entry(format, TarEntryType.SymbolicLink, "dir/link");
            link.LinkName = name;
            writer.WriteEntry(link);
            var hard = Entry(format, TarEntryType.HardLink, "dir/hard");
            hard.LinkName = name;
            writer.WriteEntry(hard);
        }

        var ours = await ReadAllAsync(archive.ToArray());
        var theirs = TarArchive.Read(archive.ToArray());

        ours.Select(e => (e.Entry.Name, e.Entry.LinkName, Encoding.UTF8.GetString(e.Data)))
            .Should().Equal(theirs.Select(e => (e.Name, e.LinkName ?? string.Empty, Encoding.UTF8.GetString(e.Data))));
        ours[1].Entry.Uid.Should().Be(1234);
        ours[1].Entry.Mode.Should().Be(0xDED);
    }

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name) => format switch
    {
        TarEntryFormat.Pax => new PaxTarEntry(type, name),
        TarEntryFormat.Gnu => new GnuTarEntry(type, name),
        TarEntryFormat.Ustar => new UstarTarEntry(type, name),
        _ => new V7TarEntry(type, name),
    };
}
