using System.Globalization;

namespace Containers.Containers;

/// <summary>Writes and reads durations as Go does (<c>1m30s</c>, <c>500ms</c>), the way Docker's messages and flags show them.</summary>
public static class GoDuration
{
    /// <summary>Formats <paramref name="value"/> as Go's <c>time.Duration.String</c> does, to millisecond precision.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms");
        }

        var hours = (int)value.TotalHours;
        var seconds = value.TotalSeconds - (hours * 3600) - (value.Minutes * 60);
        var text = string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###}s");
        return hours > 0 ? string.Create(CultureInfo.InvariantCulture, $"{hours}h{value.Minutes}m{text}")
            : value.Minutes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{value.Minutes}m{text}")
            : text;
    }

    /// <summary>Parses a Go duration (<c>30s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1.5h</c>; a bare <c>0</c>).</summary>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if (start == unitStart || unitStart == i || !double.TryParse(text.AsSpan(start, unitStart - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"invalid duration \"{text}\": use a number with a unit (ns, us, ms, s, m, h), such as 30s or 1m30s");
            }

            total += text[unitStart..i] switch
            {
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                "us" or "µs" => TimeSpan.FromTicks((long)(number * 10)),
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                var unit => throw new FormatException($"invalid duration \"{text}\": unknown unit \"{unit}\" (use ns, us, ms, s, m or h)"),
            };
        }

        return total;
    }
}
