using System.Globalization;
using Containers.Containers;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Parses the arguments of a Dockerfile <c>HEALTHCHECK</c> instruction (also a <c>--change</c> of import and commit).</summary>
internal static class HealthCheckInstruction
{
    /// <summary>
    /// Parses <c>NONE</c>, or <c>[--interval=D] [--timeout=D] [--start-period=D] [--start-interval=D] [--retries=N] CMD command</c>
    /// with the command in shell or JSON form, into the image config's field (durations in nanoseconds).
    /// </summary>
    /// <exception cref="FormatException">The instruction is malformed.</exception>
    public static HealthCheck Parse(string text, Func<string, IReadOnlyList<string>> jsonArray)
    {
        var rest = text.Trim();
        if (rest.Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            return new HealthCheck { Test = ["NONE"] };
        }

        var check = new HealthCheck();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var end = rest.IndexOfAny([' ', '\t']);
            var flag = end < 0 ? rest : rest[..end];
            rest = end < 0 ? string.Empty : rest[end..].TrimStart();
            var parts = flag[2..].Split('=', 2);
            var value = parts.Length == 2 ? parts[1] : throw new FormatException($"HEALTHCHECK flag '{flag}' needs a value (--name=value)");
            check = parts[0] switch
            {
                "interval" => check with { Interval = Nanoseconds(value) },
                "timeout" => check with { Timeout = Nanoseconds(value) },
                "start-period" => check with { StartPeriod = Nanoseconds(value) },
                "start-interval" => check with { StartInterval = Nanoseconds(value) },
                "retries" => check with { Retries = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) },
                _ => throw new FormatException($"HEALTHCHECK flag '{flag}' is unknown; use --interval, --timeout, --start-period, --start-interval or --retries"),
            };
        }

        if (!rest.StartsWith("CMD", StringComparison.OrdinalIgnoreCase) || rest.Length < 4 || !char.IsWhiteSpace(rest[3]))
        {
            throw new FormatException("HEALTHCHECK needs NONE or CMD followed by a command");
        }

        var command = rest[4..].Trim();
        return check with { Test = command.StartsWith('[') ? ["CMD", .. jsonArray(command)] : ["CMD-SHELL", command] };
    }

    private static long Nanoseconds(string value) => GoDuration.Parse(value).Ticks * 100;
}
