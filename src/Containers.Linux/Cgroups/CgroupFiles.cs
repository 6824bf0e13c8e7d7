using System.Globalization;

namespace Containers.Linux.Cgroups;

/// <summary>Reads and writes cgroup control files, with errors that name the file and the value.</summary>
internal static class CgroupFiles
{
    public static void Write(string directory, string file, string value)
    {
        var path = Path.Combine(directory, file);
        try
        {
            File.WriteAllText(path, value);
        }
        catch (IOException e)
        {
            throw new IOException($"failed to write {value} to {path}: {e.Message}", e);
        }
    }

    public static void WriteIfExists(string directory, string file, string value)
    {
        if (File.Exists(Path.Combine(directory, file)))
        {
            Write(directory, file, value);
        }
    }

    public static string? Read(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public static ulong ReadNumber(string directory, string file) =>
        ulong.TryParse(Read(directory, file), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>Reads <c>key value</c> lines (memory.stat, memory.events, cpu.stat).</summary>
    public static Dictionary<string, ulong> ReadKeyed(string directory, string file)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in (Read(directory, file) ?? string.Empty).Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    public static IReadOnlyList<int> ReadPids(string directory) =>
        (Read(directory, "cgroup.procs") ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>Removes a cgroup directory, retrying briefly while the kernel finishes tearing its processes down.</summary>
    public static async Task RemoveDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        for (var attempt = 0; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory);
                return;
            }
            catch (IOException) when (attempt < 1000)
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Lists the child cgroups of <paramref name="directory"/> as paths under <paramref name="parent"/>; none when the
    /// directory is missing, also when another process removes it (an emptied per-root parent) while it is read.
    /// </summary>
    public static IReadOnlyList<string> ListChildren(string directory, string parent)
    {
        try
        {
            return Directory.EnumerateDirectories(directory).Select(d => parent + "/" + Path.GetFileName(d)).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>
    /// Removes an empty cgroup directory. rmdir fails with EBUSY while it has child cgroups, so a parent another process
    /// is filling at the same time stays; that process retries if the parent vanished under it (see <see cref="CreateRacingRemoval"/>).
    /// </summary>
    public static void TryRemoveEmptyDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory);
        }
        catch (IOException)
        {
            // EBUSY or ENOTEMPTY: still in use; ENOENT: already gone.
        }
    }

    /// <summary>Runs a cgroup's creation again when a parent it created was removed as empty by another process midway.</summary>
    public static void CreateRacingRemoval(Action create)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                create();
                return;
            }
            catch (IOException e) when (attempt < 1000 && (e is DirectoryNotFoundException or FileNotFoundException || e.InnerException is DirectoryNotFoundException or FileNotFoundException))
            {
                // A remover that keeps winning is on another core in the same rhythm: step out of it.
                if (attempt >= 10)
                {
                    Thread.Sleep(Random.Shared.Next(2));
                }
            }
        }
    }

    public static ulong MemoryTotal()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                return ulong.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
