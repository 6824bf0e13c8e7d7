using System.Globalization;

namespace Containers.Containers;

/// <summary>
/// Checks a new container's options against Docker's rules and this host before anything is written, so a bad value
/// fails <c>create</c> with one line naming the option instead of failing <c>start</c> with a kernel error (and leaving
/// a record behind). Values Docker adjusts rather than refuses (<c>--pids-limit 0</c>, <c>--cpu-shares 1</c>) are adjusted.
/// </summary>
internal static class ContainerOptionsValidator
{
    /// <summary>The smallest memory limit Docker accepts (<c>linuxMinMemory</c>).</summary>
    internal const long MinimumMemory = 6 * 1024 * 1024;

    /// <summary>The kernel's limit on a host name (<c>HOST_NAME_MAX</c>).</summary>
    internal const int MaximumHostnameLength = 64;

    private const long MinimumCpuShares = 2;
    private const long MaximumCpuShares = 262144;

    /// <summary>Files under <c>/proc</c> runc lets a bind mount cover (the ones LXCFS provides); nothing else there.</summary>
    private static readonly string[] ProcMountAllowList =
        ["/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid"];

    /// <summary>Returns the options with Docker's adjustments applied.</summary>
    /// <param name="options">The caller's options.</param>
    /// <param name="arguments">The program and its arguments, the image's entrypoint and command merged in.</param>
    /// <param name="host">What this machine offers; <see cref="HostLimits.Current"/> unless a test simulates another host.</param>
    /// <exception cref="InvalidContainerConfigurationException">An option is refused; the message names it.</exception>
    public static ContainerCreateOptions Validate(ContainerCreateOptions options, IReadOnlyList<string> arguments, HostLimits host)
    {
        foreach (var entry in options.Environment)
        {
            if (entry.Length == 0 || entry[0] == '=')
            {
                throw new InvalidContainerConfigurationException("env", $"invalid environment variable for --env: '{entry}' has no name (use NAME=value)");
            }
        }

        if (options.Memory is { } memory && memory < MinimumMemory)
        {
            throw new InvalidContainerConfigurationException("memory", string.Create(CultureInfo.InvariantCulture, $"invalid --memory {memory} bytes: Minimum memory limit allowed is 6MB"));
        }

        if (options.CpuShares is < 0)
        {
            throw new InvalidContainerConfigurationException("cpu-shares", string.Create(CultureInfo.InvariantCulture, $"invalid --cpu-shares {options.CpuShares}: shares must be a positive number ({MinimumCpuShares} to {MaximumCpuShares}; 1024 is the default weight)"));
        }

        if (options.Cpus is { } cpus && (double.IsNaN(cpus) || cpus < 0.01 || cpus > host.CpuCount))
        {
            throw new InvalidContainerConfigurationException("cpus", string.Create(CultureInfo.InvariantCulture, $"invalid --cpus {cpus}: range of CPUs is from 0.01 to {host.CpuCount}.00, as there are only {host.CpuCount} CPUs available"));
        }

        ValidateCpuset(options.CpusetCpus, host);
        ValidateWorkingDirectory(options.WorkingDirectory);
        ValidateHostname(options.Hostname);
        ValidateUlimits(options.Ulimits, host);
        ValidateMounts(options.Mounts);
        if (arguments is [{ Length: 0 }, ..])
        {
            throw new InvalidContainerConfigurationException("command", "invalid command: the program name is empty; give a program to run, such as sh");
        }

        return options with
        {
            // As Docker: 0 and negative pids limits mean unlimited; shares are clamped to what the kernel takes, 0 is unset.
            PidsLimit = options.PidsLimit is <= 0 ? null : options.PidsLimit,
            CpuShares = options.CpuShares switch
            {
                0 => null,
                < MinimumCpuShares => MinimumCpuShares,
                > MaximumCpuShares => MaximumCpuShares,
                var shares => shares,
            },
        };
    }

    private static void ValidateCpuset(string? cpuset, HostLimits host)
    {
        if (cpuset is null)
        {
            return;
        }

        var requested = CpuList.Parse(cpuset) ?? throw new InvalidContainerConfigurationException("cpuset-cpus", $"invalid --cpuset-cpus '{cpuset}': use CPU numbers and ranges such as 0-3 or 0,2");
        if (host.OnlineCpus is { } online && !requested.All(online.Contains))
        {
            throw new InvalidContainerConfigurationException("cpuset-cpus", $"invalid --cpuset-cpus {cpuset}: Requested CPUs are not available - requested {cpuset}, available: {CpuList.Format(online)}");
        }
    }

    private static void ValidateWorkingDirectory(string? directory)
    {
        if (!string.IsNullOrEmpty(directory) && !directory.StartsWith('/'))
        {
            throw new InvalidContainerConfigurationException("workdir", $"invalid --workdir: the working directory '{directory}' is invalid, it needs to be an absolute path");
        }
    }

    private static void ValidateHostname(string? hostname)
    {
        if (hostname is null)
        {
            return;
        }

        if (hostname.Length is 0 or > MaximumHostnameLength)
        {
            throw new InvalidContainerConfigurationException("hostname", string.Create(CultureInfo.InvariantCulture, $"invalid --hostname: '{Shorten(hostname)}' has {hostname.Length} characters; a host name has 1 to {MaximumHostnameLength}"));
        }

        if (hostname.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.' and not '_'))
        {
            throw new InvalidContainerConfigurationException("hostname", $"invalid --hostname '{hostname}': use letters, digits, '-' and '.'");
        }
    }

    private static void ValidateUlimits(IReadOnlyList<string> ulimits, HostLimits host)
    {
        foreach (var ulimit in ulimits)
        {
            var (type, soft, hard) = ResourceParser.ParseUlimit(ulimit);

            // The kernel refuses an open-file limit above fs.nr_open, unlimited included (runc's "operation not permitted").
            if (type == "RLIMIT_NOFILE" && Math.Max(soft, hard) > host.MaximumOpenFiles)
            {
                throw new InvalidContainerConfigurationException("ulimit", string.Create(CultureInfo.InvariantCulture, $"invalid --ulimit {ulimit}: the open-file limit cannot be unlimited or above {host.MaximumOpenFiles} (the host's fs.nr_open)"));
            }
        }
    }

    private static void ValidateMounts(IReadOnlyList<Volumes.ContainerMount> mounts)
    {
        foreach (var mount in mounts)
        {
            var target = "/" + mount.Target.Trim('/');
            if ((target == "/proc" || target.StartsWith("/proc/", StringComparison.Ordinal)) && !ProcMountAllowList.Contains(target))
            {
                throw new InvalidContainerConfigurationException("volume", $"invalid mount {mount.Source ?? mount.Type.ToString().ToLowerInvariant()}:{mount.Target}: {target} cannot be mounted because it is inside /proc, which the engine mounts itself");
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "...";
}
