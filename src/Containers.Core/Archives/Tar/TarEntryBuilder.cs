namespace Containers.Archives.Tar;

// Turns a file header plus the extended headers before it into one entry, checking that they agree.
internal static class TarEntryBuilder
{
    private const string XattrPrefix = "SCHILY.xattr.";
    private const long MaxOctalSize = 077777777777;

    public static StrictTarEntry Build(byte[] header, char type, long headerSize, Dictionary<string, byte[]>? pax, byte[]? longName, byte[]? longLink)
    {
        var block = header.AsSpan();
        var where = "(header)";
        var name = pax?.GetValueOrDefault("path") is { } paxPath
            ? NonEmpty(paxPath, where, "PAX path")
            : longName ?? HeaderName(block);
        var entry = TarHeaderFields.Utf8(name, where, "name");
        if (entry.Length == 0)
        {
            throw new InvalidTarException(where, "it has an empty name");
        }

        CheckPax(pax, entry);
        var kind = Kind(type, entry);
        var link = pax?.GetValueOrDefault("linkpath") is { } paxLink
            ? NonEmpty(paxLink, entry, "PAX linkpath")
            : longLink ?? Field(block.Slice(157, 100));
        var linkName = kind is TarEntryKind.HardLink or TarEntryKind.SymbolicLink ? TarHeaderFields.Utf8(link, entry, "link target") : string.Empty;
        if (kind is TarEntryKind.HardLink or TarEntryKind.SymbolicLink && linkName.Length == 0)
        {
            throw new InvalidTarException(entry, "it is a link without a target");
        }

        var size = Size(headerSize, pax, entry);
        if (kind is not TarEntryKind.RegularFile && size != 0)
        {
            throw new InvalidTarException(entry, $"it is a {kind} but carries {size} bytes of data, which readers skip or treat as the next header");
        }

        if (kind is TarEntryKind.RegularFile && entry.EndsWith('/'))
        {
            throw new InvalidTarException(entry, "it is a regular file named like a directory, which old readers take for a directory");
        }

        var (seconds, nanoseconds) = pax?.GetValueOrDefault("mtime") is { } mtime
            ? PaxRecords.Time(mtime, entry)
            : (TarHeaderFields.Number(block.Slice(136, 12), entry, "mtime"), 0);
        return new StrictTarEntry(entry, kind)
        {
            LinkName = linkName,
            Mode = (int)(TarHeaderFields.Number(block.Slice(100, 8), entry, "mode") & 0xFFF),
            Uid = Id(pax, "uid", block.Slice(108, 8), entry),
            Gid = Id(pax, "gid", block.Slice(116, 8), entry),
            ModificationSeconds = seconds,
            ModificationNanoseconds = nanoseconds,
            DeviceMajor = Device(block.Slice(329, 8), entry, "device major"),
            DeviceMinor = Device(block.Slice(337, 8), entry, "device minor"),
            Size = size,
            ExtendedAttributes = Xattrs(pax, entry),
        };
    }

    private static byte[] Field(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return (end < 0 ? field : field[..end]).ToArray();
    }

    /// <summary>The ustar name, joined with its prefix field; GNU headers use that space for other things.</summary>
    private static byte[] HeaderName(ReadOnlySpan<byte> block)
    {
        var name = Field(block[..100]);
        if (!TarHeaderFields.IsUstar(block))
        {
            return name;
        }

        var prefix = Field(block.Slice(345, 155));
        return prefix.Length == 0 ? name : [.. prefix, (byte)'/', .. name];
    }

    private static byte[] NonEmpty(byte[] value, string entry, string what) =>
        value.Length > 0 ? value : throw new InvalidTarException(entry, $"its {what} is empty, which readers take to mean different things");

    private static void CheckPax(Dictionary<string, byte[]>? pax, string entry)
    {
        foreach (var (key, value) in pax ?? [])
        {
            if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
            {
                throw new InvalidTarException(entry, "it is a sparse file, which layers do not support");
            }

            if (key == "hdrcharset" && !value.AsSpan().SequenceEqual("ISO-IR 10646 2000 UTF-8"u8))
            {
                throw new InvalidTarException(entry, "its PAX header declares names that are not UTF-8");
            }

            if (key is "uid" or "gid" or "size" or "mtime" && value.Length == 0)
            {
                throw new InvalidTarException(entry, $"its PAX '{key}' value is empty, which readers take to mean different things");
            }
        }
    }

    private static TarEntryKind Kind(char type, string entry) => type switch
    {
        '0' or '\0' or '7' => TarEntryKind.RegularFile,
        '1' => TarEntryKind.HardLink,
        '2' => TarEntryKind.SymbolicLink,
        '3' => TarEntryKind.CharacterDevice,
        '4' => TarEntryKind.BlockDevice,
        '5' => TarEntryKind.Directory,
        '6' => TarEntryKind.Fifo,
        'S' => throw new InvalidTarException(entry, "it is a GNU sparse file, which layers do not support"),
        _ => throw new InvalidTarException(entry, $"its entry type '{(type < ' ' ? $"\\x{(int)type:x2}" : type)}' is not supported in layers"),
    };

    private static long Size(long headerSize, Dictionary<string, byte[]>? pax, string entry)
    {
        if (pax?.GetValueOrDefault("size") is not { } value)
        {
            return headerSize;
        }

        var paxSize = PaxRecords.Decimal(value, entry, "size");

        // The header must say the same, unless the size does not fit its octal field (then writers leave it 0).
        if (paxSize != headerSize && !(paxSize > MaxOctalSize && headerSize == 0))
        {
            throw new InvalidTarException(entry, $"its PAX size {paxSize} contradicts its header size {headerSize}");
        }

        return paxSize;
    }

    private static int Id(Dictionary<string, byte[]>? pax, string key, ReadOnlySpan<byte> field, string entry)
    {
        var value = pax?.GetValueOrDefault(key) is { } paxValue ? PaxRecords.Decimal(paxValue, entry, key) : TarHeaderFields.Number(field, entry, key);

        // Larger IDs wrap to -1, which chown reads as "leave unchanged".
        return value <= int.MaxValue ? (int)value : throw new InvalidTarException(entry, $"its {key} {value} is out of range");
    }

    private static int Device(ReadOnlySpan<byte> field, string entry, string what)
    {
        var value = TarHeaderFields.Number(field, entry, what);
        return value <= int.MaxValue ? (int)value : throw new InvalidTarException(entry, $"its {what} {value} is out of range");
    }

    private static Dictionary<string, byte[]> Xattrs(Dictionary<string, byte[]>? pax, string entry)
    {
        var xattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in pax ?? [])
        {
            if (key.StartsWith(XattrPrefix, StringComparison.Ordinal))
            {
                var name = key[XattrPrefix.Length..];
                xattrs[name.Length > 0 ? name : throw new InvalidTarException(entry, "it has an extended attribute without a name")] = value;
            }
        }

        return xattrs;
    }
}
