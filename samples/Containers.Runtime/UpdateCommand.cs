using System.Globalization;
using Containers.Linux.Runtime.Oci;

namespace Containers.Runtime;

/// <summary>runc's <c>update</c>: new cgroup limits for a created, running or paused container, from flags or a resources JSON document.</summary>
internal static class UpdateCommand
{
    private static readonly string[] Valued =
    [
        "resources", "r", "blkio-weight", "cpu-period", "cpu-quota", "cpu-share", "cpu-shares", "cpu-rt-period", "cpu-rt-runtime",
        "cpuset-cpus", "cpuset-mems", "kernel-memory", "kernel-memory-tcp", "memory", "memory-reservation", "memory-swap",
        "pids-limit", "l3-cache-schema", "mem-bw-schema",
    ];

    /// <summary>Flags runc still accepts and ignores, with a warning.</summary>
    private static readonly string[] Obsolete = ["kernel-memory", "kernel-memory-tcp"];

    public static async Task<int> RunAsync(BundleRuntime runtime, string[] args, int start, TextReader input, TextWriter error)
    {
        var line = CommandLine.Parse(args, start, Valued, [], stopAtArgument: false, out _);
        if (line.Arguments.Count != 1)
        {
            throw new UsageException("\"update\" requires exactly 1 argument(s)");
        }

        ResourceUpdate update;
        if (line.Value("resources", "r") is { } source)
        {
            // As runc: with a document, every other flag is ignored.
            var json = source == "-" ? await input.ReadToEndAsync() : await File.ReadAllTextAsync(source);
            update = ResourceUpdate.Parse(System.Text.Encoding.UTF8.GetBytes(json));
        }
        else
        {
            update = FromFlags(line);
            foreach (var ignored in Obsolete.Where(f => line.Value(f) is not null))
            {
                await error.WriteLineAsync($"time=\"{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}\" level=warning msg=\"Setting --{ignored} is ignored and will be removed\"");
            }
        }

        if (line.Value("l3-cache-schema") is { Length: > 0 })
        {
            throw new OciRuntimeException("Intel RDT/CAT: l3 cache schema is not enabled");
        }

        if (line.Value("mem-bw-schema") is { Length: > 0 })
        {
            throw new OciRuntimeException("Intel RDT/MBA: memory bandwidth schema is not enabled");
        }

        runtime.Update(line.Arguments[0], update);
        return 0;
    }

    private static ResourceUpdate FromFlags(CommandLine line) => new()
    {
        BlkioWeight = line.Value("blkio-weight") is { } weight ? (ushort)Signed("blkio-weight", weight) : null,
        Cpus = line.Value("cpuset-cpus") is { Length: > 0 } cpus ? cpus : null,
        Mems = line.Value("cpuset-mems") is { Length: > 0 } mems ? mems : null,
        CpuPeriod = Unsigned(line, "cpu-period"),
        CpuRealtimePeriod = Unsigned(line, "cpu-rt-period"),
        CpuShares = Unsigned(line, "cpu-share") ?? Unsigned(line, "cpu-shares"),
        CpuQuota = line.Value("cpu-quota") is { Length: > 0 } quota ? Signed("cpu-quota", quota) : null,
        CpuRealtimeRuntime = line.Value("cpu-rt-runtime") is { Length: > 0 } runtime ? Signed("cpu-rt-runtime", runtime) : null,
        MemoryLimit = Size(line, "memory"),
        MemorySwap = Size(line, "memory-swap"),
        MemoryReservation = Size(line, "memory-reservation"),
        PidsLimit = line.Value("pids-limit") is { } pids ? Signed("pids-limit", pids) : 0,
    };

    private static long? Size(CommandLine line, string flag) =>
        line.Value(flag) is { Length: > 0 } text ? ResourceUpdate.ParseSize(flag, text) : null;

    private static ulong? Unsigned(CommandLine line, string flag)
    {
        if (line.Value(flag) is not { Length: > 0 } text)
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OciRuntimeException($"invalid value for {flag}: strconv.ParseUint: parsing \"{text}\": invalid syntax");
    }

    private static long Signed(string flag, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new OciRuntimeException($"invalid value for {flag}: strconv.ParseInt: parsing \"{text}\": invalid syntax");
}
