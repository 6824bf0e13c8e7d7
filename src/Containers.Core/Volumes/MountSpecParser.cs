using System.Globalization;
using Containers.Containers;
using Containers.Internal;

namespace Containers.Volumes;

/// <summary>Parses Docker's mount flags: <c>-v</c>/<c>--volume</c>, <c>--mount</c> and <c>--tmpfs</c>.</summary>
public static class MountSpecParser
{
    private static readonly HashSet<string> Propagations = new(StringComparer.Ordinal) { "private", "rprivate", "shared", "rshared", "slave", "rslave" };

    /// <summary>
    /// Parses <c>-v</c>: <c>name:/path[:opts]</c> (a named volume), <c>/host:/path[:opts]</c> (a bind mount) or
    /// <c>/path[:opts]</c> (an anonymous volume); options are <c>ro</c>, <c>rw</c>, <c>z</c>, <c>Z</c>, <c>nocopy</c> and a propagation.
    /// </summary>
    /// <exception cref="InvalidMountSpecException">The value is malformed.</exception>
    /// <exception cref="InvalidVolumeNameException">The volume name is invalid.</exception>
    public static ContainerMount ParseVolume(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':');
        string? source = null;
        string target;
        string? mode = null;
        switch (parts.Length)
        {
            case 1:
                target = parts[0];
                break;
            case 2 when IsMode(parts[1]):
                target = parts[0];
                mode = parts[1];
                break;
            case 2:
                (source, target) = (parts[0], parts[1]);
                break;
            case 3:
                (source, target, mode) = (parts[0], parts[1], parts[2]);
                break;
            default:
                throw new InvalidMountSpecException(spec, "too many colons: use SOURCE:TARGET[:OPTIONS]");
        }

        if (source is { Length: 0 })
        {
            throw new InvalidMountSpecException(spec, "the source is empty");
        }

        CheckTarget(spec, target);
        var bind = source is not null && source.StartsWith('/');
        if (source is not null && !bind)
        {
            VolumeNames.Validate(source);
        }

        bool readOnly = false, sawAccess = false, noCopy = false;
        string? propagation = null;
        foreach (var option in (mode ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (option)
            {
                case "ro" or "rw":
                    if (sawAccess)
                    {
                        throw new InvalidMountSpecException(spec, "ro and rw may be given only once");
                    }

                    (sawAccess, readOnly) = (true, option == "ro");
                    break;
                case "z" or "Z":
                    break; // SELinux relabelling: nothing to relabel without SELinux
                case "nocopy" when !bind:
                    noCopy = true;
                    break;
                case var p when Propagations.Contains(p) && bind:
                    propagation = propagation is null ? p : throw new InvalidMountSpecException(spec, "only one propagation mode may be given");
                    break;
                default:
                    throw new InvalidMountSpecException(spec, $"invalid mode '{option}': use ro, rw, z, Z, {(bind ? "or a propagation (private, rprivate, shared, rshared, slave, rslave)" : "or nocopy")}");
            }
        }

        return new ContainerMount
        {
            Type = bind ? MountType.Bind : MountType.Volume,
            Source = source is null ? null : bind ? Normalize(source) : source,
            Target = Normalize(target),
            ReadOnly = readOnly,
            BindPropagation = propagation,
            CreateHostPath = bind,
            NoCopy = noCopy,
        };
    }

    /// <summary>
    /// Parses <c>--mount</c>: comma-separated <c>type=volume|bind|tmpfs</c> (volume by default), <c>source</c>/<c>src</c>,
    /// <c>target</c>/<c>dst</c>/<c>destination</c>, <c>readonly</c>/<c>ro</c>, <c>bind-propagation</c>, <c>volume-nocopy</c>,
    /// <c>tmpfs-size</c>, <c>tmpfs-mode</c>.
    /// </summary>
    /// <exception cref="InvalidMountSpecException">The value is malformed.</exception>
    /// <exception cref="InvalidVolumeNameException">The volume name is invalid.</exception>
    public static ContainerMount ParseMount(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var type = MountType.Volume;
        string? source = null, target = null, propagation = null;
        bool readOnly = false, noCopy = false;
        long? size = null;
        int? mode = null;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? field : field[..eq]).Trim().ToLowerInvariant();
            var value = eq < 0 ? null : field[(eq + 1)..];
            if (value is { Length: 0 })
            {
                throw new InvalidMountSpecException(spec, $"{key} has an empty value");
            }

            switch (key)
            {
                case "type":
                    type = value switch
                    {
                        "volume" => MountType.Volume,
                        "bind" => MountType.Bind,
                        "tmpfs" => MountType.Tmpfs,
                        _ => throw new InvalidMountSpecException(spec, $"unknown mount type '{value}': use volume, bind or tmpfs"),
                    };
                    break;
                case "source" or "src":
                    source = Required(spec, key, value);
                    break;
                case "target" or "dst" or "destination":
                    target = Required(spec, key, value);
                    break;
                case "readonly" or "ro":
                    readOnly = Boolean(spec, key, value);
                    break;
                case "bind-propagation":
                    propagation = Propagations.Contains(Required(spec, key, value)) ? value : throw new InvalidMountSpecException(spec, $"invalid bind-propagation '{value}': use private, rprivate, shared, rshared, slave or rslave");
                    break;
                case "volume-nocopy":
                    noCopy = Boolean(spec, key, value);
                    break;
                case "tmpfs-size":
                    size = ParseSize(spec, Required(spec, key, value));
                    break;
                case "tmpfs-mode":
                    mode = ParseMode(spec, Required(spec, key, value));
                    break;
                case "consistency" or "bind-nonrecursive" or "volume-label" or "volume-driver" when value is not null:
                    if (key == "volume-driver" && value != VolumeService.LocalDriver)
                    {
                        throw new InvalidMountSpecException(spec, $"volume driver '{value}' is not available: only 'local' is");
                    }

                    break;
                default:
                    throw new InvalidMountSpecException(spec, $"unknown field '{key}': use type, source, target, readonly, bind-propagation, volume-nocopy, tmpfs-size or tmpfs-mode");
            }

            used.Add(key);
        }

        if (target is null)
        {
            throw new InvalidMountSpecException(spec, "target is required");
        }

        CheckTarget(spec, target);
        switch (type)
        {
            case MountType.Bind when source is null:
                throw new InvalidMountSpecException(spec, "source is required when type is bind");
            case MountType.Bind when !source.StartsWith('/'):
                throw new InvalidMountSpecException(spec, $"the bind source '{source}' must be an absolute path");
            case MountType.Tmpfs when source is not null:
                throw new InvalidMountSpecException(spec, "source is not allowed when type is tmpfs");
            case MountType.Volume when source is not null:
                VolumeNames.Validate(source);
                break;
        }

        if (propagation is not null && type != MountType.Bind)
        {
            throw new InvalidMountSpecException(spec, "bind-propagation is only allowed when type is bind");
        }

        if ((size is not null || mode is not null) && type != MountType.Tmpfs)
        {
            throw new InvalidMountSpecException(spec, "tmpfs-size and tmpfs-mode are only allowed when type is tmpfs");
        }

        if (used.Contains("volume-nocopy") && type != MountType.Volume)
        {
            throw new InvalidMountSpecException(spec, "volume-nocopy is only allowed when type is volume");
        }

        return new ContainerMount
        {
            Type = type,
            Source = type == MountType.Bind ? Normalize(source!) : source,
            Target = Normalize(target),
            ReadOnly = readOnly,
            BindPropagation = propagation,
            NoCopy = noCopy,
            TmpfsSize = size,
            TmpfsMode = mode,
        };
    }

    /// <summary>Parses <c>--tmpfs /path[:opts]</c>, where options are <c>size=64m</c>, <c>mode=1777</c>, <c>ro</c>, <c>rw</c>, <c>exec</c>, <c>noexec</c>, <c>nosuid</c>, <c>nodev</c>.</summary>
    /// <exception cref="InvalidMountSpecException">The value is malformed.</exception>
    public static ContainerMount ParseTmpfs(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var target = colon < 0 ? spec : spec[..colon];
        CheckTarget(spec, target);
        long? size = null;
        int? mode = null;
        bool readOnly = false, exec = false;
        foreach (var option in colon < 0 ? [] : spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (option.StartsWith("size=", StringComparison.Ordinal))
            {
                size = ParseSize(spec, option[5..]);
            }
            else if (option.StartsWith("mode=", StringComparison.Ordinal))
            {
                mode = ParseMode(spec, option[5..]);
            }
            else
            {
                (readOnly, exec) = option switch
                {
                    "ro" => (true, exec),
                    "rw" => (false, exec),
                    "exec" => (readOnly, true),
                    "noexec" => (readOnly, false),
                    "nosuid" or "nodev" => (readOnly, exec),
                    _ => throw new InvalidMountSpecException(spec, $"unknown tmpfs option '{option}': use size=, mode=, ro, rw, exec, noexec, nosuid or nodev"),
                };
            }
        }

        return new ContainerMount { Type = MountType.Tmpfs, Target = Normalize(target), ReadOnly = readOnly, TmpfsSize = size, TmpfsMode = mode, TmpfsExec = exec };
    }

    /// <summary>Checks a mount made in code as the parsers check flags: an absolute target other than <c>/</c>, a valid volume name, an absolute bind source.</summary>
    /// <exception cref="InvalidMountSpecException">The mount is malformed.</exception>
    /// <exception cref="InvalidVolumeNameException">The volume name is invalid.</exception>
    public static void Validate(ContainerMount mount)
    {
        ArgumentNullException.ThrowIfNull(mount);
        var spec = $"type={mount.Type.ToString().ToLowerInvariant()},source={mount.Source},target={mount.Target}";
        CheckTarget(spec, mount.Target);
        switch (mount.Type)
        {
            case MountType.Volume when mount.Source is not null:
                VolumeNames.Validate(mount.Source);
                break;
            case MountType.Bind when mount.Source is null || !mount.Source.StartsWith('/'):
                throw new InvalidMountSpecException(spec, "a bind mount needs an absolute host path as its source");
            case MountType.Tmpfs when mount.Source is not null:
                throw new InvalidMountSpecException(spec, "source is not allowed when type is tmpfs");
        }

        if (mount.BindPropagation is { } propagation && (mount.Type != MountType.Bind || !Propagations.Contains(propagation)))
        {
            throw new InvalidMountSpecException(spec, "bind-propagation must be private, rprivate, shared, rshared, slave or rslave, on a bind mount");
        }

        if (mount.TmpfsSize is <= 0 || mount.TmpfsMode is < 0 or > 0xFFF)
        {
            throw new InvalidMountSpecException(spec, "tmpfs size must be positive and its mode an octal permission");
        }
    }

    private static bool IsMode(string text) =>
        text.Split(',').All(o => o is "ro" or "rw" or "z" or "Z" or "nocopy" || Propagations.Contains(o));

    private static void CheckTarget(string spec, string target)
    {
        if (target.Length == 0)
        {
            throw new InvalidMountSpecException(spec, "the target is empty");
        }

        if (!target.StartsWith('/'))
        {
            throw new InvalidMountSpecException(spec, $"the target '{target}' must be an absolute path in the container");
        }

        if (Normalize(target) == "/")
        {
            throw new InvalidMountSpecException(spec, "the target may not be '/'");
        }

        if (target.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidMountSpecException(spec, "the target contains a NUL character");
        }
    }

    /// <summary>Cleans a path lexically (no symbolic links are read): repeated slashes, <c>.</c> and <c>..</c> are resolved.</summary>
    private static string Normalize(string path) => "/" + LexicalPath.Clean(path);

    private static string Required(string spec, string key, string? value) =>
        value ?? throw new InvalidMountSpecException(spec, $"{key} needs a value");

    private static bool Boolean(string spec, string key, string? value) => value?.ToLowerInvariant() switch
    {
        null or "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new InvalidMountSpecException(spec, $"invalid value '{value}' for {key}: use true or false"),
    };

    private static long ParseSize(string spec, string text)
    {
        try
        {
            return ResourceParser.ParseBytes(text, "tmpfs-size");
        }
        catch (InvalidContainerConfigurationException e)
        {
            throw new InvalidMountSpecException(spec, e.Message);
        }
    }

    private static int ParseMode(string spec, string text)
    {
        try
        {
            var mode = Convert.ToInt32(text, 8);
            return mode is >= 0 and <= 0xFFF ? mode : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidMountSpecException(spec, string.Create(CultureInfo.InvariantCulture, $"invalid mode '{text}': use an octal permission such as 1777"));
        }
    }
}
