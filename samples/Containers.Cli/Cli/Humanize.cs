using System.Globalization;

namespace Containers.Cli.Cli;

/// <summary>Formats sizes and ages the way docker prints them (<c>4.26MB</c>, <c>3 days ago</c>).</summary>
internal static class Humanize
{
    public static string Size(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString(value < 10 && unit > 0 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + units[unit];
    }

    public static string Ago(DateTimeOffset? time)
    {
        if (time is null)
        {
            return "N/A";
        }

        var age = DateTimeOffset.UtcNow - time.Value;
        return age.TotalSeconds < 1 ? "Less than a second ago"
            : age.TotalMinutes < 1 ? Plural((int)age.TotalSeconds, "second") + " ago"
            : age.TotalHours < 1 ? Plural((int)age.TotalMinutes, "minute") + " ago"
            : age.TotalDays < 2 ? Plural((int)age.TotalHours, "hour") + " ago"
            : age.TotalDays < 14 ? Plural((int)age.TotalDays, "day") + " ago"
            : age.TotalDays < 60 ? Plural((int)(age.TotalDays / 7), "week") + " ago"
            : age.TotalDays < 730 ? Plural((int)(age.TotalDays / 30), "month") + " ago"
            : Plural((int)(age.TotalDays / 365), "year") + " ago";
    }

    private static string Plural(int n, string unit) => n == 1 ? (unit == "hour" ? "An hour" : "1 " + unit) : $"{n} {unit}s";
}
