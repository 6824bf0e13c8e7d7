using Containers.Cli.Cli;
using Containers.Volumes;

namespace Containers.Cli.Commands;

/// <summary>The volume commands: <c>volume create</c>, <c>ls</c>, <c>inspect</c>, <c>rm</c>, <c>prune</c>.</summary>
internal static class VolumeCommands
{
    private static readonly OptionSpec Format = OptionSpec.Value("format", 'f', "string", "Output format: table (default) or json");

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("volume create", "Create a volume", "[VOLUME]",
            [OptionSpec.Value("driver", 'd', "string", "Specify volume driver name (local)"), OptionSpec.Value("label", null, "list", "Set metadata for a volume"), OptionSpec.Value("opt", 'o', "map", "Set driver specific options"), OptionSpec.Value("name", null, "string", "Specify volume name")],
            CreateAsync),
        new("volume ls", "List volumes", string.Empty,
            [OptionSpec.Flag("quiet", 'q', "Only display volume names"), OptionSpec.Value("filter", null, "filter", "Provide filter values (dangling=true, label=key[=value], name=part)"), Format],
            ListAsync, ["volume list"]),
        new("volume inspect", "Display detailed information on one or more volumes", "VOLUME [VOLUME...]", [Format], InspectAsync),
        new("volume rm", "Remove one or more volumes", "VOLUME [VOLUME...]",
            [OptionSpec.Flag("force", 'f', "Force the removal of one or more volumes")], RemoveAsync, ["volume remove"]),
        new("volume prune", "Remove unused local volumes", string.Empty,
            [OptionSpec.Flag("all", 'a', "Remove all unused volumes, not just anonymous ones"), OptionSpec.Value("filter", null, "filter", "Provide filter values (label=key[=value])"), OptionSpec.Flag("force", 'f', "Do not prompt for confirmation")],
            PruneAsync),
    ];

    private static async Task<int> CreateAsync(CommandContext context)
    {
        var name = context.Args.Positionals.Count > 0 ? context.Args.Positionals[0] : context.Args.Value("name");
        var volume = await context.Engine.Volumes.CreateAsync(new VolumeCreateOptions
        {
            Name = name,
            Driver = context.Args.Value("driver") ?? "local",
            Labels = Pairs(context.Args.Values("label")),
            DriverOptions = Pairs(context.Args.Values("opt")),
        }, context.CancellationToken);
        context.Out.WriteLine(volume.Name);
        return 0;
    }

    private static async Task<int> ListAsync(CommandContext context)
    {
        var options = new VolumeListOptions();
        foreach (var filter in context.Args.Values("filter"))
        {
            var (key, value) = filter.Split('=', 2) is [var k, var v] ? (k, v) : throw new UsageException($"bad format of filter '{filter}' (expected name=value)");
            options = key switch
            {
                "dangling" => options with { Dangling = value is "true" or "1" ? true : value is "false" or "0" ? false : throw new UsageException($"invalid filter 'dangling={value}': use true or false") },
                "label" => options with { Labels = [.. options.Labels, value] },
                "name" => options with { Name = value },
                _ => throw new UsageException($"invalid filter '{key}': use dangling, label or name"),
            };
        }

        var volumes = await context.Engine.Volumes.ListAsync(options, context.CancellationToken);
        if (context.Args.Flag("quiet"))
        {
            foreach (var volume in volumes)
            {
                context.Out.WriteLine(volume.Name);
            }
        }
        else if (context.Json)
        {
            JsonOutput.Write(context.Out, volumes.Select(Describe).ToList());
        }
        else
        {
            TableWriter.Write(context.Out, ["DRIVER", "VOLUME NAME"], volumes.Select(v => (IReadOnlyList<string>)[v.Driver, v.Name]));
        }

        return 0;
    }

    private static async Task<int> InspectAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"volume inspect\" requires at least 1 argument");
        }

        var results = new List<object>();
        var failed = false;
        foreach (var name in context.Args.Positionals)
        {
            try
            {
                results.Add(Describe(await context.Engine.Volumes.InspectAsync(name, context.CancellationToken)));
            }
            catch (VolumeNotFoundException)
            {
                context.Error.WriteLine($"Error: No such volume: {name}");
                failed = true;
            }
        }

        JsonOutput.Write(context.Out, results);
        return failed ? 1 : 0;
    }

    private static async Task<int> RemoveAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"volume rm\" requires at least 1 argument");
        }

        var status = 0;
        foreach (var name in context.Args.Positionals)
        {
            try
            {
                await context.Engine.Volumes.RemoveAsync(name, context.Args.Flag("force"), context.CancellationToken);
                context.Out.WriteLine(name);
            }
            catch (ContainersException e)
            {
                context.Error.WriteLine($"Error response from daemon: {e.Message}");
                status = 1;
            }
        }

        return status;
    }

    private static async Task<int> PruneAsync(CommandContext context)
    {
        var labels = context.Args.Values("filter").Select(f => f.StartsWith("label=", StringComparison.Ordinal) ? f[6..] : throw new UsageException($"invalid filter '{f}': use label=key[=value]")).ToList();
        var result = await context.Engine.Volumes.PruneAsync(context.Args.Flag("all"), labels, context.CancellationToken);
        if (result.Removed.Count > 0)
        {
            context.Out.WriteLine("Deleted Volumes:");
            foreach (var name in result.Removed)
            {
                context.Out.WriteLine(name);
            }

            context.Out.WriteLine();
        }

        context.Out.WriteLine($"Total reclaimed space: {Humanize.Size(result.SpaceReclaimed)}");
        return 0;
    }

    /// <summary>Shapes a volume as <c>docker volume inspect</c> prints it.</summary>
    private static VolumeInspectDocument Describe(VolumeDetails volume) => new(
        volume.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        volume.Driver,
        volume.Labels,
        volume.Mountpoint,
        volume.Name,
        volume.Options,
        volume.Scope);

    private static Dictionary<string, string> Pairs(IReadOnlyList<string> values) =>
        values.Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
}
