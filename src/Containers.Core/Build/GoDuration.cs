using System.Globalization;
using System.Text.RegularExpressions;

namespace Containers.Build;

/// <summary>Parses durations written as Go does (<c>1h30m</c>, <c>500ms</c>, <c>1.5s</c>), which Dockerfile flags use.</summary>
internal static partial class GoDuration
{
    [GeneratedRegex(@"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();

    /// <summary>Returns the duration in nanoseconds, or null when the text is not a duration.</summary>
    public static long? TryParse(string text)
    {
        if (text == "0")
        {
            return 0;
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || matches.Sum(m => m.Length) != text.Length)
        {
            return null;
        }

        decimal total = 0;
        foreach (Match m in matches)
        {
            var value = decimal.Parse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            total += value * m.Groups[2].Value switch
            {
                "ns" => 1m,
                "us" or "µs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                _ => 3_600_000_000_000m,
            };
        }

        return (long)total;
    }
}
