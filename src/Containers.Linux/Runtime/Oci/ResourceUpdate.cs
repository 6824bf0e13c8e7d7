using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// The resources <c>update</c> changes on a running container; a null field stays as it is. Zero means "unchanged"
/// for the fields runc treats that way (shares, period, quota, reservation, pids limit), as runc's cgroup drivers do.
/// </summary>
internal sealed record ResourceUpdate
{
    public long? MemoryLimit { get; init; }

    public long? MemoryReservation { get; init; }

    public long? MemorySwap { get; init; }

    public ulong? CpuShares { get; init; }

    public long? CpuQuota { get; init; }

    public ulong? CpuPeriod { get; init; }

    public long? CpuRealtimeRuntime { get; init; }

    public ulong? CpuRealtimePeriod { get; init; }

    public string? Cpus { get; init; }

    public string? Mems { get; init; }

    public ushort? BlkioWeight { get; init; }

    /// <summary>Gets the pids limit: 0 leaves it, -1 (any negative) lifts it.</summary>
    public long PidsLimit { get; init; }

    /// <summary>
    /// Reads runc's <c>--resources</c> document: linux.resources of the runtime specification, of which memory (limit,
    /// reservation, swap), cpu (shares, quota, period, realtimeRuntime, realtimePeriod, cpus, mems), blockIO.weight and
    /// pids.limit apply; other fields are ignored, as runc ignores them.
    /// </summary>
    /// <exception cref="OciRuntimeException">The document is not JSON or a field has the wrong type.</exception>
    public static ResourceUpdate Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var root = JsonNode.Parse(json) as JsonObject ?? throw new OciRuntimeException("json: the resources must be a JSON object");
            var memory = root["memory"] as JsonObject;
            var cpu = root["cpu"] as JsonObject;
            var update = new ResourceUpdate
            {
                MemoryLimit = Value<long>(memory, "limit"),
                MemoryReservation = Value<long>(memory, "reservation"),
                MemorySwap = Value<long>(memory, "swap"),
                CpuShares = Value<ulong>(cpu, "shares"),
                CpuQuota = Value<long>(cpu, "quota"),
                CpuPeriod = Value<ulong>(cpu, "period"),
                CpuRealtimeRuntime = Value<long>(cpu, "realtimeRuntime"),
                CpuRealtimePeriod = Value<ulong>(cpu, "realtimePeriod"),
                Cpus = Text(cpu, "cpus") is { Length: > 0 } cpus ? cpus : null,
                Mems = Text(cpu, "mems") is { Length: > 0 } mems ? mems : null,
                BlkioWeight = Value<ushort>(root["blockIO"] as JsonObject, "weight"),
                PidsLimit = Value<long>(root["pids"] as JsonObject, "limit") ?? 0,
            };
            return update;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new OciRuntimeException("json: " + e.Message);
        }
    }

    /// <summary>Parses a size as runc's flags take it (docker's RAMInBytes): bytes, or a decimal with k, m, g, t or p (binary), "-1" for unlimited.</summary>
    /// <exception cref="OciRuntimeException">The text is not a size.</exception>
    public static long ParseSize(string flag, string text)
    {
        if (text == "-1")
        {
            return -1;
        }

        var digits = 0;
        while (digits < text.Length && (char.IsAsciiDigit(text[digits]) || text[digits] == '.'))
        {
            digits++;
        }

        var suffix = text[digits..].TrimStart(' ').ToLowerInvariant();
        var unit = suffix.Length > 0 && "kmgtp".Contains(suffix[0], StringComparison.Ordinal) ? suffix[0] : '\0';
        var rest = unit == '\0' ? suffix : suffix[1..];
        if (rest is "i" or "ib")
        {
            rest = string.Empty;
        }

        if (digits == 0 || rest is not ("" or "b") || !double.TryParse(text[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw new OciRuntimeException($"invalid value for {flag}: invalid size: '{text}'");
        }

        var multiplier = unit switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, 't' => 1L << 40, 'p' => 1L << 50, _ => 1L };
        return (long)(number * multiplier);
    }

    private static T? Value<T>(JsonObject? parent, string name)
        where T : struct =>
        parent?[name] is JsonValue value ? value.GetValue<T>() : null;

    private static string? Text(JsonObject? parent, string name) =>
        parent?[name] is JsonValue value ? value.GetValue<string>() : null;
}
