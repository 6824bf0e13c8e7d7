using System.Text;

namespace Containers.Archives.Tar;

// Parses the records of a PAX extended header ("<length> <key>=<value>\n") keeping values as bytes: xattr values are binary.
internal static class PaxRecords
{
    public static Dictionary<string, byte[]> Parse(ReadOnlySpan<byte> data, string entry)
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || space > 20 || !int.TryParse(data[..space], System.Globalization.NumberStyles.None, null, out var length)
                || data[0] == '0' || length <= space + 2 || length > data.Length || data[length - 1] != '\n')
            {
                throw new InvalidTarException(entry, "its PAX header has a malformed record");
            }

            var record = data[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new InvalidTarException(entry, "its PAX header has a record without a key");
            }

            var key = TarHeaderFields.Utf8(record[..equals], entry, "PAX key");
            if (!records.TryAdd(key, record[(equals + 1)..].ToArray()))
            {
                // Readers disagree on whether the first or the last record wins.
                throw new InvalidTarException(entry, $"its PAX header sets '{key}' twice");
            }

            data = data[length..];
        }

        return records;
    }

    /// <summary>Reads a PAX decimal value (digits only, no sign) that fits in a long.</summary>
    public static long Decimal(byte[] value, string entry, string key) =>
        value.Length is > 0 and <= 19 && long.TryParse(value, System.Globalization.NumberStyles.None, null, out var result)
            ? result
            : throw new InvalidTarException(entry, $"its PAX '{key}' value '{Encoding.ASCII.GetString(value)}' is not a non-negative decimal number");

    /// <summary>Reads a PAX time: an optional minus, decimal seconds, and an optional fraction.</summary>
    public static (long Seconds, int Nanoseconds) Time(byte[] value, string entry)
    {
        var text = Encoding.ASCII.GetString(value);
        var negative = text.StartsWith('-');
        var parts = (negative ? text[1..] : text).Split('.');
        if (parts.Length > 2 || parts[0].Length is 0 or > 18 || !parts[0].All(char.IsAsciiDigit)
            || (parts.Length == 2 && (parts[1].Length == 0 || !parts[1].All(char.IsAsciiDigit))))
        {
            throw new InvalidTarException(entry, $"its PAX 'mtime' value '{text}' is not a time");
        }

        var seconds = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var nanoseconds = parts.Length == 2 ? int.Parse(parts[1].PadRight(9, '0')[..9], System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (negative && nanoseconds > 0)
        {
            // -1.25 is 1.25 s before the epoch: -2 s plus 0.75 s.
            return (-seconds - 1, 1_000_000_000 - nanoseconds);
        }

        return (negative ? -seconds : seconds, nanoseconds);
    }
}
