using Containers.Hosting;


namespace Containers.Linux.Storage;

/// <summary>Finds out, once per store, whether overlayfs mounts work there (it does not on every file system or in every user namespace).</summary>
internal static class OverlaySupport
{
    public static bool IsSupported(StoreLayout layout)
    {
        // A store whose probe succeeded once keeps overlay: the probe (five directories, a mount and an unmount) is no
        // longer paid by every engine creation, which a fresh test process waits for.
        var verdict = Path.Combine(layout.Storage, "overlay", "supported");
        if (File.Exists(verdict))
        {
            return true;
        }

        if (Probe(layout))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(verdict)!);
            File.WriteAllText(verdict, string.Empty);
            return true;
        }

        return false;
    }

    private static bool Probe(StoreLayout layout)
    {
        // Unique per engine, not per process: engines in one process probe at once, and one must not unmount or delete the other's.
        var probe = Path.Combine(layout.Storage, "overlay", "probe-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        RemoveProbesOfDeadProcesses(Path.GetDirectoryName(probe)!);
        try
        {
            var lower = Directory.CreateDirectory(Path.Combine(probe, "lower")).FullName;
            var upper = Directory.CreateDirectory(Path.Combine(probe, "upper")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(probe, "work")).FullName;
            var merged = Directory.CreateDirectory(Path.Combine(probe, "merged")).FullName;
            OverlayMount.Mount([lower], upper, work, merged);
            OverlayMount.Unmount(merged);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            if (Directory.Exists(probe))
            {
                Directory.Delete(probe, recursive: true);
            }
        }
    }

    /// <summary>Removes the probes of processes killed between the probe's mount and unmount: each would hold a mount for good.</summary>
    private static void RemoveProbesOfDeadProcesses(string overlay)
    {
        foreach (var stale in Directory.Exists(overlay) ? Directory.EnumerateDirectories(overlay, "probe-*") : [])
        {
            if (int.TryParse(Path.GetFileName(stale)["probe-".Length..].Split('-')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !Directory.Exists("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                try
                {
                    OverlayMount.Unmount(Path.Combine(stale, "merged"));
                    Directory.Delete(stale, recursive: true);
                }
                catch (IOException)
                {
                    // Another process removes it at the same moment.
                }
            }
        }
    }
}
