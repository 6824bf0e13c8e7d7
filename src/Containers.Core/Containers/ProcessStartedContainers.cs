using System.Collections.Concurrent;

namespace Containers.Containers;

/// <summary>
/// The attached containers that some engine of this process started and has not yet recorded the exit of. Several
/// engines may share a root in one process: one of them must not take another's just-exited container for one whose
/// owner died (and record it as killed) because the owner's process ID is its own.
/// </summary>
internal static class ProcessStartedContainers
{
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    /// <summary>Notes a start; <paramref name="directory"/> is the container's directory (unique across roots).</summary>
    public static void Add(string directory) => Counts.AddOrUpdate(directory, 1, (_, count) => count + 1);

    /// <summary>Notes that the engine that started it recorded its end (a restart added itself first).</summary>
    public static void Remove(string directory)
    {
        while (Counts.TryGetValue(directory, out var count))
        {
            if (count <= 1 ? Counts.TryRemove(new KeyValuePair<string, int>(directory, count)) : Counts.TryUpdate(directory, count - 1, count))
            {
                return;
            }
        }
    }

    public static bool Contains(string directory) => Counts.ContainsKey(directory);
}
