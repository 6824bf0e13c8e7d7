using System.Globalization;
using Containers.Cli.Cli;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>Commands that look at containers: ps, logs, top, stats, container inspect.</summary>
internal static class ContainerQueryCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("container ls", "List containers", string.Empty,
            [OptionSpec.Flag("all", 'a', "Show all containers (default shows just running)"), OptionSpec.Flag("quiet", 'q', "Only display container IDs"), OptionSpec.Flag("no-trunc", null, "Don't truncate output"), OptionSpec.Value("format", null, "string", "Output format: table (default), json or a Go template ({{.Names}})")],
            ListAsync, ["ps", "container list", "container ps"]),
        new("container logs", "Fetch the logs of a container", "CONTAINER",
            [OptionSpec.Flag("follow", 'f', "Follow log output"), OptionSpec.Flag("timestamps", 't', "Show timestamps"), OptionSpec.Value("since", null, "string", "Show logs since timestamp (2013-01-02T13:23:37Z) or relative (42m)"), OptionSpec.Value("until", null, "string", "Show logs before a timestamp or relative"), OptionSpec.Value("tail", 'n', "string", "Number of lines to show from the end of the logs (default all)")],
            LogsAsync, ["logs"]),
        new("container top", "Display the running processes of a container", "CONTAINER", [], TopAsync, ["top"]),
        new("container stats", "Display a live stream of container resource usage statistics", "[CONTAINER...]",
            [OptionSpec.Flag("no-stream", null, "Disable streaming stats and only pull the first result"), OptionSpec.Value("format", null, "string", "Output format: table (default) or json")],
            StatsAsync, ["stats"]),
        new("container inspect", "Display detailed information on one or more containers", "CONTAINER [CONTAINER...]", [OptionSpec.Value("format", 'f', "string", "Format output using a Go template ({{.State.Status}}) or json")], InspectAsync),
    ];

    private static async Task<int> ListAsync(CommandContext context)
    {
        var containers = await context.Engine.Containers.ListAsync(context.Args.Flag("all"), context.CancellationToken);
        var noTrunc = context.Args.Flag("no-trunc");
        if (context.Args.Flag("quiet"))
        {
            foreach (var container in containers)
            {
                context.Out.WriteLine(noTrunc ? container.Id : container.Id[..12]);
            }

            return 0;
        }

        if (GoTemplate.IsTemplate(context.Args.Value("format")))
        {
            // docker ps's template fields: short ID, quoted command, labels as k=v,...
            FormattedOutput.Write(context.Out, context.Args.Value("format"), containers.Select(c => new ContainerTemplateRow(
                noTrunc ? c.Id : c.Id[..12], c.Image, Quote(string.Join(' ', c.Command), noTrunc), c.Created.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
                Humanize.Ago(c.Created), c.Status, c.State.Status.ToString().ToLowerInvariant(), c.Name,
                string.Join(',', c.Labels.Select(l => l.Key + "=" + l.Value)))).ToList());
            return 0;
        }

        if (context.Json)
        {
            JsonOutput.Write(context.Out, containers.Select(c => new ContainerListItem(c.Id, c.Name, c.Image, string.Join(' ', c.Command), c.Created, c.State.Status.ToString().ToLowerInvariant(), c.Status, c.Labels)).ToList());
            return 0;
        }

        TableWriter.Write(context.Out, ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"], containers.Select(c => (IReadOnlyList<string>)
        [
            noTrunc ? c.Id : c.Id[..12],
            c.Image,
            Quote(string.Join(' ', c.Command), noTrunc),
            Humanize.Ago(c.Created),
            c.Status,
            c.Name,
        ]));
        return 0;
    }

    private static string Quote(string command, bool noTrunc) => "\"" + (noTrunc || command.Length <= 20 ? command : command[..19] + "…") + "\"";

    private static async Task<int> LogsAsync(CommandContext context)
    {
        var id = context.Args.Positional(0, "CONTAINER");
        var options = new LogOptions
        {
            Follow = context.Args.Flag("follow"),
            Since = context.Args.Value("since") is { } since ? ParseTime(since) : null,
            Until = context.Args.Value("until") is { } until ? ParseTime(until) : null,
            Tail = context.Args.Value("tail") is { } tail && tail != "all" ? int.Parse(tail, CultureInfo.InvariantCulture) : null,
        };
        var timestamps = context.Args.Flag("timestamps");
        await foreach (var entry in context.Engine.Containers.LogsAsync(id, options, context.CancellationToken))
        {
            var writer = entry.Stream == LogStream.Stderr ? context.Error : context.Out;
            await writer.WriteAsync(timestamps ? entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffff'Z'", CultureInfo.InvariantCulture) + " " + entry.Text : entry.Text);
        }

        await context.Out.FlushAsync();
        return 0;
    }

    /// <summary>Parses an RFC 3339 time, a Unix timestamp, or a relative duration such as <c>42m</c> or <c>2h</c>.</summary>
    internal static DateTimeOffset ParseTime(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix))
        {
            return DateTimeOffset.UnixEpoch.AddSeconds(unix);
        }

        var unit = text.Length > 1 ? text[^1] : ' ';
        if (double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            var span = unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => (TimeSpan?)null };
            if (span is { } relative)
            {
                return DateTimeOffset.UtcNow - relative;
            }
        }

        throw new UsageException($"invalid time '{text}': use an RFC 3339 time, a Unix timestamp or a duration such as 42m");
    }

    private static async Task<int> TopAsync(CommandContext context)
    {
        var processes = await context.Engine.Containers.TopAsync(context.Args.Positional(0, "CONTAINER"), context.CancellationToken);
        TableWriter.Write(context.Out, ["UID", "PID", "PPID", "CMD"], processes.Select(p => (IReadOnlyList<string>)
            [p.Uid.ToString(CultureInfo.InvariantCulture), p.Pid.ToString(CultureInfo.InvariantCulture), p.ParentPid.ToString(CultureInfo.InvariantCulture), p.Command]));
        return 0;
    }

    private static async Task<int> StatsAsync(CommandContext context)
    {
        var names = context.Args.Positionals.Count > 0
            ? context.Args.Positionals
            : (await context.Engine.Containers.ListAsync(false, context.CancellationToken)).Select(c => c.Id).ToList();
        var first = new Dictionary<string, ContainerStats>();
        foreach (var name in names)
        {
            first[name] = await context.Engine.Containers.StatsAsync(name, context.CancellationToken);
        }

        // CPU use is a rate: sample twice, as docker stats does.
        await Task.Delay(TimeSpan.FromMilliseconds(500), context.CancellationToken);
        var rows = new List<IReadOnlyList<string>>();
        var json = new List<ContainerStatsItem>();
        foreach (var name in names)
        {
            var details = await context.Engine.Containers.InspectAsync(name, context.CancellationToken);
            var second = await context.Engine.Containers.StatsAsync(name, context.CancellationToken);
            var elapsed = (second.Read - first[name].Read).TotalSeconds;
            var cpu = elapsed <= 0 ? 0 : (second.CpuUsageNanoseconds - first[name].CpuUsageNanoseconds) / 1e9 / elapsed * 100;
            var memory = second.MemoryLimit == 0 ? 0 : second.MemoryUsage * 100.0 / second.MemoryLimit;
            json.Add(new ContainerStatsItem(details.Id, details.Name, cpu, second.MemoryUsage, second.MemoryLimit, second.Pids, second.BlockRead, second.BlockWrite));
            rows.Add(
            [
                details.Id[..12], details.Name, cpu.ToString("0.00", CultureInfo.InvariantCulture) + "%",
                $"{Humanize.Size((long)second.MemoryUsage)} / {Humanize.Size((long)second.MemoryLimit)}", memory.ToString("0.00", CultureInfo.InvariantCulture) + "%",
                $"{Humanize.Size((long)second.BlockRead)} / {Humanize.Size((long)second.BlockWrite)}", second.Pids.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        if (context.Json)
        {
            JsonOutput.Write(context.Out, json);
        }
        else
        {
            TableWriter.Write(context.Out, ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "BLOCK I/O", "PIDS"], rows);
        }

        return 0;
    }

    private static async Task<int> InspectAsync(CommandContext context)
    {
        var results = new List<object>();
        var failed = false;
        foreach (var name in context.Args.Positionals.Count > 0 ? context.Args.Positionals : throw new UsageException("\"container inspect\" requires at least 1 argument"))
        {
            try
            {
                var details = await context.Engine.Containers.InspectAsync(name, context.CancellationToken);
                results.Add(await NetworkCommands.WithNetworkSettingsAsync(context, details.Id, Describe(details)));
            }
            catch (ContainerNotFoundException e)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                failed = true;
            }
        }

        FormattedOutput.Write(context.Out, context.Args.Value("format"), results);
        return failed ? 1 : 0;
    }

    /// <summary>Shapes a container as docker's <c>inspect</c> does.</summary>
    internal static ContainerInspectDocument Describe(ContainerDetails container) => new()
    {
        Id = container.Id,
        Created = container.Created,
        Path = container.Args.Count > 0 ? container.Args[0] : string.Empty,
        Args = container.Args.Skip(1).ToList(),
        State = new()
        {
            Status = container.State.Status.ToString().ToLowerInvariant(),
            Running = container.State.Status == ContainerStatus.Running,
            Paused = container.State.Status == ContainerStatus.Paused,
            Restarting = container.State.Status == ContainerStatus.Restarting,
            OOMKilled = container.State.OomKilled,
            Dead = container.State.Status == ContainerStatus.Dead,
            Pid = container.State.Pid,
            ExitCode = container.State.ExitCode,
            Error = container.State.Error ?? string.Empty,
            StartedAt = container.State.StartedAt,
            FinishedAt = container.State.FinishedAt,
            Health = HealthCheckCommands.Describe(container.Health),
        },
        Image = container.ImageId.ToString(),
        Name = "/" + container.Name,
        RestartCount = container.State.RestartCount,
        LogPath = container.LogPath,
        Config = new()
        {
            Hostname = container.Options.Hostname ?? container.Id[..12],
            User = container.Options.User,
            Env = container.Spec?.Process?.Env,
            Cmd = container.Options.Command,
            Image = container.Image,
            WorkingDir = container.Spec?.Process?.Cwd,
            Entrypoint = container.Options.Entrypoint,
            Labels = container.Labels,
            Healthcheck = HealthCheckCommands.Describe(container.HealthCheck),
        },
        HostConfig = new()
        {
            AutoRemove = container.Options.AutoRemove,
            Privileged = container.Options.Privileged,
            ReadonlyRootfs = container.Options.ReadOnlyRootfs,
            Memory = container.Options.Memory,
            NanoCpus = container.Options.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
            PidsLimit = container.Options.PidsLimit,
            CapAdd = container.Options.CapAdd,
            CapDrop = container.Options.CapDrop,
            SecurityOpt = container.Options.SecurityOptions,
            RestartPolicy = new(container.Options.RestartPolicy.Name, container.Options.RestartPolicy.MaximumRetryCount),
            NetworkMode = container.Options.Network ?? "none",
        },
    };
}
