using System.Globalization;
using Containers.Storage;
using Microsoft.Extensions.DependencyInjection;
using Containers.Cli.Cli;

namespace Containers.Cli.Commands;

/// <summary>Store-wide commands: <c>system df</c>, <c>system reset</c> and the generic <c>inspect</c>.</summary>
internal static class SystemCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("system df", "Show disk usage", string.Empty, [OptionSpec.Value("format", null, "string", "Output format: table (default) or json")], DiskUsageAsync),
        new("system prune", "Remove stopped containers, unused networks, dangling images, and what deleted roots left in the kernel", string.Empty, [OptionSpec.Flag("force", 'f', "Do not prompt for confirmation")], PruneAsync),
        new("system reset", "Remove all containers, networks, volumes and images", string.Empty, [OptionSpec.Flag("force", 'f', "Do not refuse; there is no prompt")], ResetAsync),
        new("inspect", "Return low-level information on images", "NAME|ID [NAME|ID...]",
            [OptionSpec.Value("format", 'f', "string", "Format output using a Go template ({{.State.Status}}) or json"), OptionSpec.Value("type", null, "string", "Only inspect objects of the given type")],
            InspectAsync),
    ];

    private static async Task<int> DiskUsageAsync(CommandContext context)
    {
        var images = await context.Engine.Images.GetDiskUsageAsync(context.CancellationToken);
        var layers = context.Engine.Services.GetService<ILayerStore>() is { } store ? await store.GetUsageAsync(context.CancellationToken) : null;
        var containers = context.Engine.Services.GetService<global::Containers.Containers.IContainerRuntime>() is null
            ? []
            : await context.Engine.Containers.ListAsync(all: true, context.CancellationToken);
        var running = containers.Count(c => c.State.IsRunning);
        var volumes = await context.Engine.Volumes.GetDiskUsageAsync(context.CancellationToken);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new DiskUsageRow[]
            {
                new("Images", images.Images, images.ActiveImages, images.ContentSize, images.ReclaimableSize),
                new("Layers", layers?.Layers ?? 0, 0, layers?.Size ?? 0, 0L),
                new("Containers", containers.Count, running, 0L, 0L),
                new("Local Volumes", volumes.Volumes, volumes.ActiveVolumes, volumes.Size, volumes.ReclaimableSize),
            });
            return 0;
        }

        static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
        var percent = images.ContentSize == 0 ? 0 : images.ReclaimableSize * 100 / images.ContentSize;
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "Images", Count(images.Images), Count(images.ActiveImages), Humanize.Size(images.ContentSize), $"{Humanize.Size(images.ReclaimableSize)} ({percent}%)" },
        };
        if (layers is not null)
        {
            // Unpacked layers are shared by chain ID: each counts once, however many images use it.
            rows.Add(["Unpacked layers (shared)", Count(layers.Layers), "-", Humanize.Size(layers.Size), "-"]);
        }

        rows.Add(["Containers", Count(containers.Count), Count(running), "-", "-"]);
        var volumePercent = volumes.Size == 0 ? 0 : volumes.ReclaimableSize * 100 / volumes.Size;
        rows.Add(["Local Volumes", Count(volumes.Volumes), Count(volumes.ActiveVolumes), Humanize.Size(volumes.Size), $"{Humanize.Size(volumes.ReclaimableSize)} ({volumePercent}%)"]);
        TableWriter.Write(context.Out, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"], rows);
        return 0;
    }

    /// <summary>Prunes this root, then reclaims host-wide the bridges, tables, cgroups, mounts and monitors of roots that are gone.</summary>
    private static async Task<int> PruneAsync(CommandContext context)
    {
        if (context.Engine.Services.GetService<global::Containers.Containers.IContainerRuntime>() is not null)
        {
            foreach (var container in await context.Engine.Containers.ListAsync(all: true, context.CancellationToken))
            {
                if (!container.State.IsRunning)
                {
                    await context.Engine.Containers.RemoveAsync(container.Id, force: false, context.CancellationToken);
                    context.Out.WriteLine($"Deleted Container: {container.Id}");
                }
            }
        }

        foreach (var network in (await context.Engine.Networks.PruneAsync(context.CancellationToken)).Removed)
        {
            context.Out.WriteLine($"Deleted Network: {network}");
        }

        var images = await context.Engine.Images.PruneAsync(all: false, context.CancellationToken);
        if (OperatingSystem.IsLinux())
        {
            var orphans = await global::Containers.Linux.Roots.OrphanedRoots.ReclaimAsync(context.CancellationToken);
            foreach (var root in orphans.Roots)
            {
                context.Out.WriteLine($"Reclaimed gone root: {root}");
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Reclaimed kernel objects: {orphans.Total} ({orphans.Monitors} monitors, {orphans.Cgroups} cgroups, {orphans.Interfaces} interfaces, {orphans.Tables} tables, {orphans.Mounts} mounts)"));
        }

        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total reclaimed space: {Humanize.Size(images.SpaceReclaimed)}"));
        return 0;
    }

    private static async Task<int> ResetAsync(CommandContext context)
    {
        if (!context.Args.Flag("force"))
        {
            throw new UsageException($"system reset removes every container, network, volume and image in {context.Engine.Options.Root}: add --force to go ahead");
        }

        await context.Engine.ResetAsync(context.CancellationToken);
        return 0;
    }

    /// <summary>Inspects containers and images by name or ID, as docker inspect does (containers first).</summary>
    private static async Task<int> InspectAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"inspect\" requires at least 1 argument");
        }

        var results = new List<object>();
        var failed = false;
        var type = context.Args.Value("type");
        foreach (var name in context.Args.Positionals)
        {
            try
            {
                if (type != "image" && await TryContainerAsync(context, name) is { } container)
                {
                    results.Add(container);
                    continue;
                }

                results.Add(ImageCommands.Describe(await context.Engine.Images.InspectAsync(name, context.CancellationToken)));
            }
            catch (Images.ImageNotFoundException)
            {
                context.Error.WriteLine($"Error: No such object: {name}");
                failed = true;
            }
        }

        FormattedOutput.Write(context.Out, context.Args.Value("format"), results);
        return failed ? 1 : 0;
    }

    private static async Task<object?> TryContainerAsync(CommandContext context, string name)
    {
        try
        {
            var details = await context.Engine.Containers.InspectAsync(name, context.CancellationToken);
            return await NetworkCommands.WithNetworkSettingsAsync(context, details.Id, ContainerQueryCommands.Describe(details));
        }
        catch (Containers.ContainerNotFoundException)
        {
            return null;
        }
    }
}
