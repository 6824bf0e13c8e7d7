using System.Globalization;

namespace Containers.Containers;

/// <summary>Parses Docker's human-friendly resource values: <c>512m</c>, <c>1.5</c> CPUs, <c>nofile=1024:2048</c>.</summary>
public static class ResourceParser
{
    /// <summary>Parses a size with an optional b, k, m or g suffix (binary units, as Docker uses for <c>--memory</c>).</summary>
    /// <exception cref="InvalidContainerConfigurationException">The text is not a size.</exception>
    public static long ParseBytes(string text, string setting)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim().ToLowerInvariant();
        if (trimmed.Length == 0)
        {
            throw new InvalidContainerConfigurationException(setting, $"invalid size '' for {setting}: use a positive number with an optional b, k, m or g suffix");
        }

        var multiplier = trimmed[^1] switch
        {
            'b' => 1L,
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            _ => 0L,
        };
        var number = multiplier == 0 ? trimmed : trimmed[..^1];
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || double.IsInfinity(value))
        {
            throw new InvalidContainerConfigurationException(setting, $"invalid size '{text}' for {setting}: use a positive number with an optional b, k, m or g suffix");
        }

        return (long)(value * (multiplier == 0 ? 1 : multiplier));
    }

    /// <summary>Parses a CPU count such as <c>0.5</c> or <c>2</c>.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The text is not a positive number.</exception>
    public static double ParseCpus(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var cpus) && cpus > 0 && cpus <= 4096
            ? cpus
            : throw new InvalidContainerConfigurationException("cpus", $"invalid value '{text}' for --cpus: use a positive number of CPUs, such as 0.5 or 2");

    /// <summary>Parses <c>name=soft[:hard]</c> into the kernel's resource name and limits.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The text is malformed or names an unknown limit.</exception>
    public static (string Type, ulong Soft, ulong Hard) ParseUlimit(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var name = eq < 0 ? text : text[..eq];
        string[] known = ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack", "as"];
        if (eq < 0 || !known.Contains(name))
        {
            throw new InvalidContainerConfigurationException("ulimit", $"invalid ulimit '{text}': use name=soft[:hard] with a name among {string.Join(", ", known)}");
        }

        var values = text[(eq + 1)..].Split(':');
        ulong Parse(string v) => v == "-1" || v == "unlimited" ? ulong.MaxValue
            : ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new InvalidContainerConfigurationException("ulimit", $"invalid ulimit value '{v}' in '{text}'");
        var soft = Parse(values[0]);
        var hard = values.Length > 1 ? Parse(values[1]) : soft;
        if (values.Length > 2 || soft > hard)
        {
            throw new InvalidContainerConfigurationException("ulimit", $"invalid ulimit '{text}': the soft limit may not exceed the hard one");
        }

        return ("RLIMIT_" + name.ToUpperInvariant(), soft, hard);
    }
}
