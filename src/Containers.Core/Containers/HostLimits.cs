using System.Globalization;

namespace Containers.Containers;

/// <summary>What this machine offers a container, for checking options at create: CPUs and the open-file ceiling.</summary>
/// <param name="CpuCount">The CPUs this process may use (Docker's <c>NumCPU</c>).</param>
/// <param name="OnlineCpus">The online CPU numbers, or <see langword="null"/> when the host does not say.</param>
/// <param name="MaximumOpenFiles">The kernel's <c>fs.nr_open</c>: no open-file limit may exceed it.</param>
internal sealed record HostLimits(int CpuCount, IReadOnlySet<int>? OnlineCpus, ulong MaximumOpenFiles)
{
    /// <summary>The kernel's default <c>fs.nr_open</c>, used when the file cannot be read.</summary>
    private const ulong DefaultNrOpen = 1024 * 1024;

    /// <summary>Gets this machine's limits, read once per call.</summary>
    public static HostLimits Current => new(
        Environment.ProcessorCount,
        ReadText("/sys/devices/system/cpu/online") is { } online ? CpuList.Parse(online.Trim()) : null,
        ulong.TryParse(ReadText("/proc/sys/fs/nr_open")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var nrOpen) ? nrOpen : DefaultNrOpen);

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
