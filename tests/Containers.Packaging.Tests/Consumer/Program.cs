// A consumer of the packed packages, as a user writes one after `dotnet add package`: it references Containers.Linux
// and Containers.Registry from a local feed only. PackagedConsumerTests builds it with warnings as errors and runs it.
// Arguments: ROOT BUSYBOX_ROOTFS_TAR REGISTRY_HOST
using Containers;
using Containers.Containers;
using Containers.Fixtures;
using Containers.Hosting;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Registry.Hosting;

var (root, rootfs, registry) = (args[0], args[1], args[2]);
ContainerEngine engine;
try
{
    engine = ContainerEngine.Create(
        new ContainersOptions { Root = root, DefaultNetwork = "none" },
        b => b.AddLinuxRuntime().AddRegistryClient(o => o.InsecureRegistries.Add(registry)));
}
catch (ContainersException e)
{
    Console.Error.WriteLine($"consumer: {e.Message}");
    return 2;
}

await using (engine)
{
    try
    {
        await using (var tar = File.OpenRead(rootfs))
        {
            await engine.Images.ImportAsync(tar, new ImportOptions { Reference = "busybox:1" });
        }

        var attached = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox:1", Command = ["echo", "attached ran"] });
        Console.WriteLine($"attached exit {await engine.Containers.WaitAsync(attached.Id)}");
        await PrintLogsAsync(attached.Id);

        // Detached: containers-monitor, found in the package's native assets, parents it and writes its log.
        var detached = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox:1", Command = ["sh", "-c", "echo detached ran; exec sleep 600"], Detached = true });
        var logged = false;
        for (var deadline = DateTime.UtcNow.AddMinutes(1); !logged && DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            await foreach (var entry in engine.Containers.LogsAsync(detached.Id))
            {
                logged |= entry.Text.Contains("detached ran", StringComparison.Ordinal);
            }
        }

        var monitorPid = (await engine.Containers.InspectAsync(detached.Id)).State.MonitorPid;
        Console.WriteLine($"detached monitor {File.ResolveLinkTarget($"/proc/{monitorPid}/exe", returnFinalTarget: false)?.FullName}");
        await engine.Containers.KillAsync(detached.Id);
        await engine.Containers.WaitAsync(detached.Id);
        await PrintLogsAsync(detached.Id);

        // A fixture publishes a port, which network none cannot: it asks for the default bridge, which the engine
        // creates on first use and ResetAsync below removes with its firewall table.
        await using (var web = await new ContainerBuilder("busybox:1")
            .WithNetwork("bridge")
            .WithCommand("httpd", "-f", "-p", "80", "-h", "/www")
            .WithFile("/www/index.html", "served from the packages")
            .WithPortBinding(80)
            .WithWaitStrategy(Wait.ForHttp(80))
            .StartAsync(engine))
        {
            using var http = new HttpClient();
            Console.WriteLine($"fixture served {await http.GetStringAsync($"http://{web.Host}:{web.GetMappedPort(80)}/index.html")}");
        }

        var pushed = await engine.Registry().PushAsync("busybox:1", $"{registry}/consumer/busybox:1");
        Console.WriteLine($"pushed {pushed}");
        await engine.Images.RemoveAsync("busybox:1", force: true);
        var pulled = await engine.Registry().PullAsync($"{registry}/consumer/busybox:1");
        Console.WriteLine($"pulled {pulled.Id}");
        var fromPull = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = $"{registry}/consumer/busybox:1", Command = ["echo", "pulled ran"] });
        Console.WriteLine($"pulled exit {await engine.Containers.WaitAsync(fromPull.Id)}");
        await PrintLogsAsync(fromPull.Id);
        return 0;
    }
    finally
    {
        await engine.ResetAsync();
    }
}

async Task PrintLogsAsync(string id)
{
    await foreach (var entry in engine.Containers.LogsAsync(id))
    {
        Console.Write(entry.Text);
    }
}
