using System.Globalization;

namespace Containers.Containers;

/// <summary>The kernel's CPU list format (<c>0-3,5</c>), as in <c>cpuset.cpus</c> and <c>/sys/devices/system/cpu/online</c>.</summary>
internal static class CpuList
{
    /// <summary>The largest CPU number accepted, so a typo cannot make a huge set.</summary>
    private const int MaximumCpu = 8191;

    /// <summary>Returns the CPU numbers, or <see langword="null"/> when the text is not a CPU list.</summary>
    public static IReadOnlySet<int>? Parse(string text)
    {
        var cpus = new SortedSet<int>();
        foreach (var part in text.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length > 2 || !TryCpu(bounds[0], out var first))
            {
                return null;
            }

            var last = first;
            if (bounds.Length == 2 && (!TryCpu(bounds[1], out last) || last < first))
            {
                return null;
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    /// <summary>Formats CPU numbers with ranges folded (<c>0-1,3</c>).</summary>
    public static string Format(IEnumerable<int> cpus)
    {
        var parts = new List<string>();
        int? start = null, previous = null;
        foreach (var cpu in cpus.Order())
        {
            if (previous is { } p && cpu == p + 1)
            {
                previous = cpu;
                continue;
            }

            Flush();
            start = previous = cpu;
        }

        Flush();
        return string.Join(',', parts);

        void Flush()
        {
            if (start is { } s && previous is { } e)
            {
                parts.Add(s == e ? s.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{s}-{e}"));
            }
        }
    }

    private static bool TryCpu(string text, out int cpu) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu <= MaximumCpu;
}
