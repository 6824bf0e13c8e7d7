using System.Globalization;
using System.Text.Json;
using Containers.Linux.Runtime.Oci;

namespace Containers.Runtime;

/// <summary>
/// runc's <c>events</c>: with <c>--stats</c> one line of the container's statistics; without, a line every
/// <c>--interval</c> (5s by default) until the container is deleted.
/// </summary>
internal static class EventsCommand
{
    public static async Task<int> RunAsync(BundleRuntime runtime, string[] args, int start, TextWriter output, CancellationToken cancellationToken = default)
    {
        var line = CommandLine.Parse(args, start, ["interval"], ["stats"], stopAtArgument: false, out _);
        if (line.Arguments.Count != 1)
        {
            throw new UsageException("\"events\" requires exactly 1 argument(s)");
        }

        var id = line.Arguments[0];
        var interval = line.Value("interval") is { } text ? ParseDuration(text) : TimeSpan.FromSeconds(5);
        if (interval <= TimeSpan.Zero)
        {
            throw new OciRuntimeException("duration interval must be greater than 0");
        }

        await WriteAsync(output, runtime.Stats(id));
        if (line.Switch("stats"))
        {
            return 0;
        }

        while (true)
        {
            await Task.Delay(interval, cancellationToken);
            OciEvent stats;
            try
            {
                stats = runtime.Stats(id, stoppedToo: true);
            }
            catch (OciRuntimeException) when (!runtime.Exists(id))
            {
                return 0;
            }

            await WriteAsync(output, stats);
        }
    }

    private static async Task WriteAsync(TextWriter output, OciEvent stats)
    {
        await output.WriteLineAsync(JsonSerializer.Serialize(stats, OciEventsJsonContext.Default.OciEvent));
        await output.FlushAsync();
    }

    /// <summary>Parses a Go duration such as "5s", "250ms" or "1m30s".</summary>
    private static TimeSpan ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        var rest = text == "0" ? string.Empty : text;
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var unitLength = 0;
            while (digits + unitLength < rest.Length && (char.IsAsciiLetter(rest[digits + unitLength]) || rest[digits + unitLength] == 'µ'))
            {
                unitLength++;
            }

            var unit = rest.Substring(digits, unitLength);
            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new UsageException($"invalid value \"{text}\" for flag -interval: parse error");
            }

            total += unit switch
            {
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => throw new UsageException($"invalid value \"{text}\" for flag -interval: parse error"),
            };
            rest = rest[(digits + unitLength)..];
        }

        return total;
    }
}
