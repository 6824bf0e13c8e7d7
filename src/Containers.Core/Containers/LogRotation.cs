using System.Globalization;

namespace Containers.Containers;

/// <summary>
/// Bounds a container's log as Docker's <c>json-file</c> driver does: once the current file would pass
/// <see cref="MaxSize"/>, <c>ctr.log.1</c> becomes <c>ctr.log.2</c> and so on, <c>ctr.log</c> becomes <c>ctr.log.1</c>,
/// and a new <c>ctr.log</c> starts; at most <see cref="MaxFiles"/> files are kept, the current one included.
/// </summary>
/// <param name="MaxSize">The most bytes one file holds; 0 for no limit.</param>
/// <param name="MaxFiles">How many files to keep, the current one included (at least 1).</param>
public sealed record LogRotation(long MaxSize, int MaxFiles)
{
    /// <summary>Gets the default: 20 MB per file and 5 files, as Docker's <c>local</c> log driver, so no log grows without bound.</summary>
    public static LogRotation Default { get; } = new(20L * 1024 * 1024, 5);

    /// <summary>Reads <c>max-size</c> and <c>max-file</c> from <c>--log-opt</c> values; others take their default.</summary>
    /// <exception cref="InvalidContainerConfigurationException">An option is unknown or its value is not valid.</exception>
    public static LogRotation Parse(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var maxSize = Default.MaxSize;
        var maxFiles = Default.MaxFiles;
        foreach (var (key, value) in options)
        {
            switch (key)
            {
                case "max-size":
                    maxSize = value == "-1" ? 0 : ParseSize(value);
                    break;
                case "max-file":
                    maxFiles = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var files) && files >= 1
                        ? files
                        : throw new InvalidContainerConfigurationException("log-opt", $"invalid value for log option max-file: '{value}': give a whole number of at least 1");
                    break;
                default:
                    throw new InvalidContainerConfigurationException("log-opt", $"unknown log opt '{key}' for json-file log driver: use max-size or max-file");
            }
        }

        return new LogRotation(maxSize, maxSize == 0 ? 1 : maxFiles);
    }

    /// <summary>Returns the log files that exist, oldest first: <c>ctr.log.N</c> down to <c>ctr.log.1</c>, then <c>ctr.log</c>.</summary>
    public static IReadOnlyList<string> ExistingFiles(string path)
    {
        var files = new List<string>();
        for (var i = 1; File.Exists(path + "." + i.ToString(CultureInfo.InvariantCulture)); i++)
        {
            files.Insert(0, path + "." + i.ToString(CultureInfo.InvariantCulture));
        }

        if (File.Exists(path))
        {
            files.Add(path);
        }

        return files;
    }

    private static long ParseSize(string value)
    {
        var text = value.Trim().ToLowerInvariant().TrimEnd('b');
        var multiplier = text.Length == 0 ? 1 : text[^1] switch
        {
            'k' => 1024L,
            'm' => 1024L * 1024,
            'g' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 && number <= long.MaxValue / multiplier
            ? number * multiplier
            : throw new InvalidContainerConfigurationException("log-opt", $"invalid value for log option max-size: '{value}': give a size such as 10m, 512k or 1g");
    }
}
