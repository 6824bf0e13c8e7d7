using Containers.Cli.Cli;
using Containers.Snapshots;

namespace Containers.Cli.Commands;

/// <summary>The ready-state snapshot commands: <c>snapshot ls</c>, <c>rm</c>, <c>prune</c> (the snapshots fixtures start from).</summary>
internal static class SnapshotCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("snapshot ls", "List the ready-state snapshots fixtures start from", string.Empty,
            [OptionSpec.Flag("quiet", 'q', "Only display snapshot keys"), OptionSpec.Value("format", 'f', "string", "Output format: table (default) or json")],
            ListAsync, ["snapshot list"]),
        new("snapshot rm", "Remove one or more ready-state snapshots", "KEY [KEY...]", [], RemoveAsync, ["snapshot remove"]),
        new("snapshot prune", "Remove every ready-state snapshot no container uses", string.Empty,
            [OptionSpec.Flag("force", 'f', "Do not prompt for confirmation")], PruneAsync),
    ];

    private static async Task<int> ListAsync(CommandContext context)
    {
        var snapshots = await context.Engine.Snapshots.ListAsync(context.CancellationToken);
        if (context.Args.Flag("quiet"))
        {
            foreach (var snapshot in snapshots)
            {
                context.Out.WriteLine(snapshot.Key);
            }
        }
        else if (context.Json)
        {
            JsonOutput.Write(context.Out, snapshots.Select(Describe).ToList());
        }
        else
        {
            TableWriter.Write(
                context.Out,
                ["KEY", "SOURCE IMAGE", "IMAGE ID", "CREATED", "SIZE", "TOTAL SIZE"],
                snapshots.Select(s => (IReadOnlyList<string>)[s.Key[..12], s.SourceImage, s.ImageId.ShortId, Humanize.Ago(s.Created), Humanize.Size(s.Size), Humanize.Size(s.TotalSize)]));
        }

        return 0;
    }

    private static async Task<int> RemoveAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"snapshot rm\" requires at least 1 argument");
        }

        var status = 0;
        foreach (var key in context.Args.Positionals)
        {
            try
            {
                foreach (var removed in await context.Engine.Snapshots.RemoveAsync(key, context.CancellationToken))
                {
                    context.Out.WriteLine(removed.Key);
                }
            }
            catch (Exception e) when (e is ContainersException or ArgumentException)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                status = 1;
            }
        }

        return status;
    }

    private static async Task<int> PruneAsync(CommandContext context)
    {
        var removed = await context.Engine.Snapshots.PruneAsync(context.CancellationToken);
        foreach (var snapshot in removed)
        {
            context.Out.WriteLine("Deleted: " + snapshot.Key);
        }

        context.Out.WriteLine("Total reclaimed space: " + Humanize.Size(removed.Sum(s => s.Size)));
        return 0;
    }

    private static SnapshotListItem Describe(ReadySnapshot snapshot) =>
        new(snapshot.Key, snapshot.SourceImage, snapshot.ImageId.ToString(), snapshot.Reference.ToString(), snapshot.Created, snapshot.Size, snapshot.TotalSize);
}
