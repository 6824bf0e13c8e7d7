using System.Text;

namespace Containers.Archives.Tar;

// Parses the fields of one 512-byte ustar/GNU header, refusing anything two readers could interpret differently.
internal static class TarHeaderFields
{
    public const int BlockSize = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    /// <summary>True when the header says POSIX ustar (which has a name prefix field); false for GNU and v7.</summary>
    public static bool IsUstar(ReadOnlySpan<byte> header) => header.Slice(257, 6).SequenceEqual("ustar\0"u8);

    public static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        if (!TryParseOctal(header.Slice(148, 8), out var recorded))
        {
            return false;
        }

        // Only the unsigned sum, as POSIX defines it: a second, signed interpretation is one more way to disagree.
        long sum = 8 * ' ';
        for (var i = 0; i < BlockSize; i++)
        {
            sum += i is >= 148 and < 156 ? 0 : header[i];
        }

        return sum == recorded;
    }

    /// <summary>Reads an octal field (leading spaces, digits, then only NULs or spaces) or a positive GNU base-256 one.</summary>
    public static long Number(ReadOnlySpan<byte> field, string entry, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            if (field[0] != 0x80)
            {
                throw new InvalidTarException(entry, $"its {what} is negative");
            }

            long value = 0;
            foreach (var b in field[1..])
            {
                if (value > (long.MaxValue >> 8))
                {
                    throw new InvalidTarException(entry, $"its {what} overflows");
                }

                value = (value << 8) | b;
            }

            return value;
        }

        return TryParseOctal(field, out var octal) ? octal : throw new InvalidTarException(entry, $"its {what} field is not an octal number");
    }

    private static bool TryParseOctal(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        var i = 0;
        while (i < field.Length && field[i] == ' ')
        {
            i++;
        }

        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++)
        {
            if (value > (long.MaxValue >> 3))
            {
                return false;
            }

            value = (value << 3) | (long)(field[i] - '0');
        }

        // Only terminators may follow: "12x" would be 10 to one reader and an error to another.
        return !field[i..].ContainsAnyExcept((byte)0, (byte)' ');
    }

    /// <summary>Reads a NUL-terminated text field as strict UTF-8; returns the empty string for an empty field.</summary>
    public static string Text(ReadOnlySpan<byte> field, string entry, string what)
    {
        var end = field.IndexOf((byte)0);
        return Utf8(end < 0 ? field : field[..end], entry, what);
    }

    /// <summary>Decodes a name as strict UTF-8, refusing NUL bytes and invalid sequences.</summary>
    public static string Utf8(ReadOnlySpan<byte> bytes, string entry, string what)
    {
        if (bytes.Contains((byte)0))
        {
            throw new InvalidTarException(entry, $"its {what} contains a NUL byte");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidTarException(entry, $"its {what} is not valid UTF-8");
        }
    }
}
