using System.Globalization;
using Containers.Cli.Cli;
using Containers.Networks;

namespace Containers.Cli.Commands;

/// <summary>Bridge networks and published ports: <c>network create/ls/inspect/rm/connect/disconnect/prune</c> and <c>port</c>.</summary>
internal static class NetworkCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("network create", "Create a network", "NETWORK",
            [
                OptionSpec.Value("subnet", null, "string", "Subnet in CIDR format (default: a free /24 of 172.30.0.0/15)"),
                OptionSpec.Value("gateway", null, "string", "IPv4 gateway for the subnet"),
                OptionSpec.Value("label", null, "list", "Set metadata on a network"),
                OptionSpec.Value("driver", 'd', "string", "Driver to manage the network (only bridge)"),
                OptionSpec.Flag("internal", null, "Restrict external access to the network"),
            ],
            CreateAsync),
        new("network ls", "List networks", string.Empty, [OptionSpec.Flag("quiet", 'q', "Only display network IDs")], ListAsync, ["network list"]),
        new("network inspect", "Display detailed information on one or more networks", "NETWORK [NETWORK...]", [], InspectAsync),
        new("network rm", "Remove one or more networks", "NETWORK [NETWORK...]", [], RemoveAsync, ["network remove"]),
        new("network prune", "Remove all unused networks", string.Empty, [OptionSpec.Flag("force", 'f', "Do not prompt for confirmation")], PruneAsync),
        new("network connect", "Connect a container to a network", "NETWORK CONTAINER", [OptionSpec.Value("alias", null, "list", "Add network-scoped alias for the container")], ConnectAsync),
        new("network disconnect", "Disconnect a container from a network", "NETWORK CONTAINER", [OptionSpec.Flag("force", 'f', "Force the container to disconnect from a network")], DisconnectAsync),
        new("port", "List port mappings or a specific mapping for the container", "CONTAINER [PRIVATE_PORT[/PROTO]]", [], PortAsync, ["container port"]),
    ];

    private static async Task<int> CreateAsync(CommandContext context)
    {
        if (context.Args.Value("driver") is { } driver && driver != "bridge")
        {
            throw new UsageException($"network driver '{driver}' is not supported: only bridge is");
        }

        var network = await context.Engine.Networks.CreateAsync(
            new NetworkCreateOptions
            {
                Name = context.Args.Positional(0, "NETWORK"),
                Subnet = context.Args.Value("subnet"),
                Gateway = context.Args.Value("gateway"),
                Internal = context.Args.Flag("internal"),
                Labels = context.Args.Values("label").Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty),
            },
            context.CancellationToken);
        context.Out.WriteLine(network.Id);
        return 0;
    }

    private static async Task<int> ListAsync(CommandContext context)
    {
        var networks = await context.Engine.Networks.ListAsync(context.CancellationToken);
        if (context.Args.Flag("quiet"))
        {
            foreach (var network in networks)
            {
                context.Out.WriteLine(network.Id[..12]);
            }

            return 0;
        }

        TableWriter.Write(context.Out, ["NETWORK ID", "NAME", "DRIVER", "SUBNET"], networks.Select(n => (IReadOnlyList<string>)[n.Id[..12], n.Name, n.Driver, n.Subnet]));
        return 0;
    }

    private static async Task<int> InspectAsync(CommandContext context)
    {
        var results = new List<object>();
        var failed = false;
        foreach (var name in context.Args.Positionals.Count > 0 ? context.Args.Positionals : throw new UsageException("\"network inspect\" requires at least 1 argument"))
        {
            try
            {
                results.Add(Describe(await context.Engine.Networks.InspectAsync(name, context.CancellationToken)));
            }
            catch (NetworkNotFoundException e)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                failed = true;
            }
        }

        JsonOutput.Write(context.Out, results);
        return failed ? 1 : 0;
    }

    /// <summary>Shapes a network as docker's <c>network inspect</c> does.</summary>
    private static NetworkInspectDocument Describe(NetworkDetails network) => new()
    {
        Name = network.Name,
        Id = network.Id,
        Created = network.Created,
        Scope = "local",
        Driver = network.Driver,
        IPAM = new("default", [new(network.Subnet, network.Gateway)]),
        Internal = network.Internal,
        Containers = network.Endpoints.ToDictionary(
            e => e.ContainerId,
            e => new NetworkContainerShape(e.ContainerName, e.Address is null ? string.Empty : e.Address + "/" + network.Subnet.Split('/')[1], e.Aliases)),
        Options = new Dictionary<string, string> { ["com.docker.network.bridge.name"] = network.BridgeName },
        Labels = network.Labels,
    };

    /// <summary>Adds docker's <c>NetworkSettings</c> (networks with addresses, published ports) to a container's inspect output.</summary>
    internal static async Task<System.Text.Json.Nodes.JsonObject> WithNetworkSettingsAsync(CommandContext context, string containerId, ContainerInspectDocument described)
    {
        var node = JsonOutput.ToNode(described);
        var networks = new System.Text.Json.Nodes.JsonObject();
        var ports = new System.Text.Json.Nodes.JsonObject();
        foreach (var network in await context.Engine.Networks.ListAsync(context.CancellationToken))
        {
            foreach (var endpoint in network.Endpoints.Where(e => e.ContainerId == containerId))
            {
                networks[network.Name] = new System.Text.Json.Nodes.JsonObject
                {
                    ["NetworkID"] = network.Id,
                    ["IPAddress"] = endpoint.Address ?? string.Empty,
                    ["IPPrefixLen"] = int.Parse(network.Subnet.Split('/')[1], CultureInfo.InvariantCulture),
                    ["Gateway"] = endpoint.Address is null ? string.Empty : network.Gateway,
                    ["Aliases"] = new System.Text.Json.Nodes.JsonArray([.. endpoint.Aliases.Select(a => (System.Text.Json.Nodes.JsonNode?)a)]),
                };
                foreach (var port in endpoint.Ports)
                {
                    var key = string.Create(CultureInfo.InvariantCulture, $"{port.ContainerPort}/{port.Protocol}");
                    var list = ports[key]?.AsArray() ?? [];
                    list.Add((System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["HostIp"] = port.HostIp, ["HostPort"] = port.HostPort.ToString(CultureInfo.InvariantCulture) });
                    ports[key] = list;
                }
            }
        }

        node["NetworkSettings"] = new System.Text.Json.Nodes.JsonObject { ["Networks"] = networks, ["Ports"] = ports };
        return node;
    }

    private static async Task<int> RemoveAsync(CommandContext context)
    {
        var failed = false;
        foreach (var name in context.Args.Positionals.Count > 0 ? context.Args.Positionals : throw new UsageException("\"network rm\" requires at least 1 argument"))
        {
            try
            {
                await context.Engine.Networks.RemoveAsync(name, context.CancellationToken);
                context.Out.WriteLine(name);
            }
            catch (Exception e) when (e is NetworkNotFoundException or NetworkInUseException or PredefinedNetworkException)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                failed = true;
            }
        }

        return failed ? 1 : 0;
    }

    private static async Task<int> PruneAsync(CommandContext context)
    {
        var result = await context.Engine.Networks.PruneAsync(context.CancellationToken);
        if (result.Removed.Count > 0)
        {
            context.Out.WriteLine("Deleted Networks:");
            foreach (var name in result.Removed)
            {
                context.Out.WriteLine(name);
            }
        }

        return 0;
    }

    private static async Task<int> ConnectAsync(CommandContext context)
    {
        await context.Engine.Networks.ConnectAsync(context.Args.Positional(0, "NETWORK"), context.Args.Positional(1, "CONTAINER"), context.Args.Values("alias"), context.CancellationToken);
        return 0;
    }

    private static async Task<int> DisconnectAsync(CommandContext context)
    {
        await context.Engine.Networks.DisconnectAsync(context.Args.Positional(0, "NETWORK"), context.Args.Positional(1, "CONTAINER"), context.CancellationToken);
        return 0;
    }

    private static async Task<int> PortAsync(CommandContext context)
    {
        var ports = await context.Engine.Networks.GetPortsAsync(context.Args.Positional(0, "CONTAINER"), context.CancellationToken);
        if (context.Args.Positionals.Count > 1)
        {
            var wanted = context.Args.Positionals[1].Split('/');
            var protocol = wanted.Length > 1 ? wanted[1] : "tcp";
            var matches = ports.Where(p => p.ContainerPort.ToString(CultureInfo.InvariantCulture) == wanted[0] && p.Protocol == protocol).ToList();
            if (matches.Count == 0)
            {
                context.Error.WriteLine($"Error: No public port '{context.Args.Positionals[1]}' published for {context.Args.Positionals[0]}");
                return 1;
            }

            foreach (var port in matches)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{port.HostIp}:{port.HostPort}"));
            }

            return 0;
        }

        foreach (var port in ports)
        {
            context.Out.WriteLine(port.ToString());
        }

        return 0;
    }
}
