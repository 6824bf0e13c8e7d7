using System.Text;

namespace Containers.Testing;

/// <summary>Builds tar archives block by block, so tests can write headers no tar library would: the tricks a strict reader must refuse.</summary>
public static class RawTar
{
    public const int Block = 512;

    /// <summary>Writes a ustar header for <paramref name="name"/> with a correct checksum unless <paramref name="tamper"/> breaks it afterwards.</summary>
    public static byte[] Header(byte[] name, char type = '0', long size = 0, string linkName = "", Action<byte[]>? tamper = null, bool gnu = false, int mode = 0x1A4)
    {
        var header = new byte[Block];
        name.AsSpan(0, Math.Min(name.Length, 100)).CopyTo(header);
        Octal(header, 100, 8, mode);
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, size);
        Octal(header, 136, 12, 86400);
        header[156] = (byte)type;
        Encoding.UTF8.GetBytes(linkName).CopyTo(header, 157);
        (gnu ? "ustar  \0"u8 : "ustar\000"u8).CopyTo(header.AsSpan(257));
        Octal(header, 329, 8, 0);
        Octal(header, 337, 8, 0);
        Checksum(header);
        tamper?.Invoke(header);
        return header;
    }

    /// <summary>Writes a ustar header for a UTF-8 name.</summary>
    public static byte[] Header(string name, char type = '0', long size = 0, string linkName = "", Action<byte[]>? tamper = null, bool gnu = false, int mode = 0x1A4) =>
        Header(Encoding.UTF8.GetBytes(name), type, size, linkName, tamper, gnu, mode);

    /// <summary>Writes a regular file: its header and its data padded to a block.</summary>
    public static byte[] File(string name, string text) =>
        [.. Header(name, size: Encoding.UTF8.GetByteCount(text)), .. Data(Encoding.UTF8.GetBytes(text))];

    /// <summary>Writes a PAX extended (<c>x</c>) or global (<c>g</c>) header with its records.</summary>
    public static byte[] Pax(char type, params (string Key, byte[] Value)[] records)
    {
        var data = records.SelectMany(r => Record(r.Key, r.Value)).ToArray();
        return [.. Header("PaxHeaders/entry", type, data.Length), .. Data(data)];
    }

    /// <summary>Writes a PAX extended header with text values.</summary>
    public static byte[] Pax(params (string Key, string Value)[] records) =>
        Pax('x', records.Select(r => (r.Key, Encoding.UTF8.GetBytes(r.Value))).ToArray());

    /// <summary>Writes a GNU long name (<c>L</c>) or long link (<c>K</c>) header with its NUL-terminated data.</summary>
    public static byte[] GnuLong(char type, string value)
    {
        var data = Encoding.UTF8.GetBytes(value + "\0");
        return [.. Header("././@LongLink", type, data.Length, gnu: true), .. Data(data)];
    }

    /// <summary>Formats one PAX record, "length key=value\n", where length counts itself.</summary>
    public static byte[] Record(string key, byte[] value)
    {
        var body = 1 + Encoding.UTF8.GetByteCount(key) + 1 + value.Length + 1;
        var length = body + body.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        if (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length != (length - body))
        {
            length++;
        }

        return [.. Encoding.UTF8.GetBytes($"{length} {key}="), .. value, (byte)'\n'];
    }

    /// <summary>Pads data to whole blocks.</summary>
    public static byte[] Data(byte[] data) => [.. data, .. new byte[(Block - (data.Length % Block)) % Block]];

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public static byte[] End() => new byte[2 * Block];

    /// <summary>Joins the parts of an archive.</summary>
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Writes an octal field: digits then NUL.</summary>
    public static void Octal(byte[] header, int offset, int length, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0").CopyTo(header, offset);

    /// <summary>Recomputes the header checksum after a change.</summary>
    public static void Checksum(byte[] header)
    {
        "        "u8.CopyTo(header.AsSpan(148));
        var sum = header.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
    }
}
