using Containers.Containers;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests;

/// <summary>An engine with the Linux runtime over a scratch root holding a locally built busybox image.</summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    public TestEngine Test { get; private set; } = null!;

    public IContainerService Containers => Test.Engine.Containers;

    /// <summary>Gets the host directory of a controller's cgroup for this root's containers (the controller is ignored on cgroup v2).</summary>
    public string CgroupParent(string controller) =>
        HostCgroups.Directory(controller, "dotnet-containers/") + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(Test.Root))))[..12];

    /// <summary>Gets the host directory of a container's cgroup for one controller.</summary>
    public string CgroupOf(string controller, string containerId) => Path.Combine(CgroupParent(controller), containerId);

    public async Task InitializeAsync()
    {
        Test = TestEngine.Create(b => b.AddLinuxRuntime());
        await Test.ImportBusyboxAsync("busybox:latest");
    }

    public async Task DisposeAsync() => await Test.DisposeAsync();

    /// <summary>Runs a container to completion and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ContainerCreateOptions options)
    {
        var container = await Containers.RunAsync(options);
        var exit = await Containers.WaitAsync(container.Id);
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        await foreach (var entry in Containers.LogsAsync(container.Id))
        {
            (entry.Stream == LogStream.Stdout ? stdout : stderr).Append(entry.Text);
        }

        await Containers.RemoveAsync(container.Id);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] command) =>
        RunAsync(new ContainerCreateOptions { Image = "busybox", Command = command });
}
