using Containers.Cli.Cli;
using Containers.Volumes;

namespace Containers.Cli.Commands;

/// <summary>The mount flags of <c>run</c> and <c>create</c>: <c>-v</c>, <c>--mount</c>, <c>--tmpfs</c>.</summary>
internal static class VolumeOptions
{
    public static IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("volume", 'v', "list", "Bind mount a volume (name:/path[:ro], /host:/path[:ro], /path)"),
        OptionSpec.Value("mount", null, "mount", "Attach a filesystem mount to the container (type=volume|bind|tmpfs,source=...,target=...)"),
        OptionSpec.Value("tmpfs", null, "list", "Mount a tmpfs directory (/path[:size=64m,mode=1777])"),
    ];

    /// <summary>Parses the mount flags in the order the kinds are listed; the engine orders the mounts themselves.</summary>
    public static IReadOnlyList<ContainerMount> Parse(ParsedArguments args) =>
    [
        .. args.Values("volume").Select(MountSpecParser.ParseVolume),
        .. args.Values("mount").Select(MountSpecParser.ParseMount),
        .. args.Values("tmpfs").Select(MountSpecParser.ParseTmpfs),
    ];
}
