using Containers.Containers;
using Containers.Linux.Hosting;
using Containers.Networks;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Networking;

/// <summary>An engine with the Linux runtime and bridge networking; disposing it removes the root's containers, bridges and firewall table.</summary>
public sealed class NetworkFixture : IAsyncLifetime
{
    public TestEngine Test { get; private set; } = null!;

    public IContainerService Containers => Test.Engine.Containers;

    public INetworkService Networks => Test.Engine.Networks;

    /// <summary>Gets this root's nftables table.</summary>
    public string Table => "dotnet_containers_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(Test.Root))))[..12];

    public async Task InitializeAsync()
    {
        Test = TestEngine.Create(b => b.AddLinuxRuntime());
        await Test.ImportBusyboxAsync("busybox:latest");
    }

    public async Task DisposeAsync()
    {
        foreach (var container in await Containers.ListAsync(all: true))
        {
            await Containers.RemoveAsync(container.Id, force: true);
        }

        await Test.Engine.Services.GetRequiredService<NetworkService>().RemoveAllAsync(CancellationToken.None);
        await Test.DisposeAsync();
    }

    /// <summary>Returns a network name unique to this run.</summary>
    public static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Runs a container to completion and returns its exit code and output; removes it.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ContainerCreateOptions options)
    {
        var container = await Containers.RunAsync(options);
        var exit = await Containers.WaitAsync(container.Id);
        var (stdout, stderr) = await LogsAsync(container.Id);
        await Containers.RemoveAsync(container.Id);
        return (exit, stdout, stderr);
    }

    public async Task<(string Stdout, string Stderr)> LogsAsync(string id)
    {
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        await foreach (var entry in Containers.LogsAsync(id))
        {
            (entry.Stream == LogStream.Stdout ? stdout : stderr).Append(entry.Text);
        }

        return (stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts busybox httpd serving <c>/www/index.html</c> containing <paramref name="content"/> on port 80.</summary>
    public Task<ContainerDetails> StartWebServerAsync(string network, string name, string content, IReadOnlyList<PortBinding>? ports = null, IReadOnlyList<string>? aliases = null) =>
        Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Name = name,
            Network = network,
            PortBindings = ports ?? [],
            NetworkAliases = aliases ?? [],
            Command = ["sh", "-c", $"mkdir -p /www && echo {content} > /www/index.html && exec httpd -f -p 80 -h /www"],
        });

    /// <summary>Returns a shell command that fetches a URL, retrying while the server starts, and prints the body.</summary>
    /// <remarks>Debian's static busybox wget crashes with <c>-T</c>, so <c>timeout</c> bounds each attempt instead.</remarks>
    public static string[] Fetch(string url, int attempts = 50) =>
        ["sh", "-c", $"i=0; while [ $i -lt {attempts} ]; do timeout 3 wget -q -O - {url} && exit 0; i=$((i+1)); sleep 0.1; done; exit 1"];
}
