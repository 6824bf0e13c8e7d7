using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Containers;

/// <summary>
/// The results file of a container's health checks (<c>health.jsonl</c>, one <see cref="HealthCheckResult"/> per line),
/// appended by whoever runs the checks (this engine, or the monitor of a detached container), and the status computed
/// from it. The status is a pure function of the configuration, the start time and the results, so every process that
/// reads the file agrees.
/// </summary>
internal static class HealthLog
{
    public const string FileName = "health.jsonl";

    /// <summary>Computes the health as Docker's monitor does, result by result.</summary>
    public static ContainerHealth Compute(HealthCheckConfig check, DateTimeOffset startedAt, IReadOnlyList<HealthCheckResult> results)
    {
        var status = HealthStatus.Starting;
        var streak = 0;
        var startPeriod = check.StartPeriod ?? TimeSpan.Zero;
        var retries = check.Retries ?? HealthCheckConfig.DefaultRetries;
        foreach (var result in results)
        {
            if (result.ExitCode == 0)
            {
                status = HealthStatus.Healthy;
                streak = 0;
                continue;
            }

            // Failures in the start period do not count until a check has succeeded once.
            if (status == HealthStatus.Starting && result.Start - startedAt < startPeriod)
            {
                continue;
            }

            streak++;
            if (streak >= retries)
            {
                status = HealthStatus.Unhealthy;
            }
        }

        return new ContainerHealth
        {
            Status = status,
            FailingStreak = streak,
            Log = results.Skip(Math.Max(0, results.Count - ContainerHealth.MaxLogEntries)).ToList(),
        };
    }

    /// <summary>Reads the results; a line being written or damaged is skipped.</summary>
    public static IReadOnlyList<HealthCheckResult> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        var results = new List<HealthCheckResult>(lines.Length);
        foreach (var line in lines)
        {
            try
            {
                if (line.Length > 0 && JsonSerializer.Deserialize(line, HealthJsonContext.Default.HealthCheckResult) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (JsonException)
            {
                // The writer may be half-way through its line.
            }
        }

        return results;
    }

    /// <summary>Appends one result as a single write, so concurrent writers never interleave within a line.</summary>
    public static async Task AppendAsync(string path, HealthCheckResult result, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(result, HealthJsonContext.Default.HealthCheckResult);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync((byte[])[.. line, (byte)'\n'], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cuts output to <see cref="HealthCheckResult.MaxOutputBytes"/> bytes and marks the cut with <c>...</c>, as Docker does.</summary>
    public static string Truncate(byte[] output, int length)
    {
        var truncated = length > HealthCheckResult.MaxOutputBytes;
        var text = Encoding.UTF8.GetString(output, 0, Math.Min(length, HealthCheckResult.MaxOutputBytes));
        return truncated ? text + "..." : text;
    }
}

/// <summary>Serializes health results as the results file and Docker's inspect write them.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthCheckResult))]
internal sealed partial class HealthJsonContext : JsonSerializerContext
{
}
