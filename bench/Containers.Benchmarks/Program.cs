using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

[assembly: SupportedOSPlatform("linux")]

// Usage: containers-bench run-true ROOT RUNS
//   Measures create + start + wait + remove of a busybox /bin/true container, image already present, in one process.
//   build ROOT CACHED-RUNS CONTEXT EDITED-FILE: cold, edited and fully cached Dockerfile builds (BuildBenchmark.cs).
//   run-true-bridge: the same on a bridge network (veth, address, route, hosts file, nftables rewrite).
//   first: the first container of a fresh process (image present): runtime start-up, ContainerEngine.Create, and the
//   first RunAsync + WaitAsync + RemoveAsync, JIT included; prints one JSON line.
var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
var scenario = args.Length > 0 ? args[0] : "run-true";
var root = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "containers-bench");
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;

if (scenario == "first")
{
    var watch = Stopwatch.StartNew();
    await using var fresh = ContainerEngine.Create(new ContainersOptions { Root = root, DefaultNetwork = "none" }, b => b.AddLinuxRuntime());
    var created = watch.Elapsed.TotalMilliseconds;
    await RunOnceAsync(fresh, new ContainerCreateOptions { Image = "busybox", Command = ["/bin/true"] });
    var ran = watch.Elapsed.TotalMilliseconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"scenario\":\"first\",\"startup_ms\":{sinceProcessStart.TotalMilliseconds:F1},\"create_ms\":{created:F1},\"first_run_ms\":{ran - created:F1},\"total_ms\":{sinceProcessStart.TotalMilliseconds + ran:F1}}}"));
    return 0;
}

// Scenarios compare with podman's --network none unless they name a network.
await using var engine = ContainerEngine.Create(new ContainersOptions { Root = root, DefaultNetwork = "none" }, b => b.AddLinuxRuntime());
if ((await engine.Images.ListAsync()).All(i => i.Names.All(n => n.FamiliarName != "busybox:latest")))
{
    using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
    await engine.Images.ImportAsync(rootfs, new Containers.Images.ImportOptions { Reference = "busybox:latest" });
}

switch (scenario)
{
    case "run-true":
        await RunTrueAsync(engine, runs);
        break;
    case "run-true-bridge":
        var network = await engine.Networks.CreateAsync(new Containers.Networks.NetworkCreateOptions { Name = "bench" });
        try
        {
            await RunTrueAsync(engine, runs, network.Name);
        }
        finally
        {
            await engine.Networks.RemoveAsync(network.Name);
        }

        break;
    case "phases":
        await PhasesAsync(engine, runs);
        break;
    case "detached":
        await DetachedAndExecAsync(engine, runs);
        break;
    case "build":
        // containers-bench build ROOT CACHED-RUNS CONTEXT EDITED-FILE
        await BuildBenchmark.RunAsync(engine, args[3], args[4], runs);
        break;
    default:
        Console.Error.WriteLine($"unknown scenario {scenario}");
        return 2;
}

return 0;

static async Task RunTrueAsync(ContainerEngine engine, int runs, string? network = null)
{
    var options = new ContainerCreateOptions { Image = "busybox", Command = ["/bin/true"], Network = network };
    for (var i = 0; i < 5; i++)
    {
        await RunOnceAsync(engine, options); // warm-up: JIT, page cache
    }

    var samples = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        await RunOnceAsync(engine, options);
        samples.Add(watch.Elapsed.TotalMilliseconds);
    }

    samples.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"scenario\":\"run-true{(network is null ? string.Empty : "-bridge")}\",\"runs\":{runs},\"mean_ms\":{samples.Average():F2},\"p50_ms\":{samples[runs / 2]:F2},\"p90_ms\":{samples[(int)(runs * 0.9)]:F2},\"min_ms\":{samples[0]:F2}}}"));
}

// Detached start (run -d until the container runs) and exec of /bin/true in a running container, in one process.
static async Task DetachedAndExecAsync(ContainerEngine engine, int runs)
{
    var starts = new List<double>();
    var execs = new List<double>();
    var server = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "3600"], Detached = true });
    for (var i = 0; i < runs + 5; i++)
    {
        var watch = Stopwatch.StartNew();
        var container = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "3600"], Detached = true });
        var started = watch.Elapsed.TotalMilliseconds;
        await engine.Containers.RemoveAsync(container.Id, force: true);

        watch.Restart();
        var result = await engine.Containers.ExecAsync(server.Id, ["/bin/true"]);
        var executed = watch.Elapsed.TotalMilliseconds;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("exec failed: " + result.Stderr);
        }

        if (i >= 5)
        {
            starts.Add(started);
            execs.Add(executed);
        }
    }

    await engine.Containers.RemoveAsync(server.Id, force: true);
    starts.Sort();
    execs.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{{\"scenario\":\"detached\",\"runs\":{runs},\"start_mean_ms\":{starts.Average():F2},\"start_p50_ms\":{starts[runs / 2]:F2},\"exec_mean_ms\":{execs.Average():F2},\"exec_p50_ms\":{execs[runs / 2]:F2}}}"));
}

static async Task PhasesAsync(ContainerEngine engine, int runs)
{
    var options = new ContainerCreateOptions { Image = "busybox", Command = ["/bin/true"] };
    var totals = new double[4];
    for (var i = 0; i < runs + 5; i++)
    {
        var w = Stopwatch.StartNew();
        var c = await engine.Containers.CreateAsync(options);
        var t1 = w.Elapsed.TotalMilliseconds;
        await engine.Containers.StartAsync(c.Id);
        var t2 = w.Elapsed.TotalMilliseconds;
        await engine.Containers.WaitAsync(c.Id);
        var t3 = w.Elapsed.TotalMilliseconds;
        await engine.Containers.RemoveAsync(c.Id);
        var t4 = w.Elapsed.TotalMilliseconds;
        if (i >= 5)
        {
            totals[0] += t1; totals[1] += t2 - t1; totals[2] += t3 - t2; totals[3] += t4 - t3;
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"create {totals[0] / runs:F2} start {totals[1] / runs:F2} wait {totals[2] / runs:F2} remove {totals[3] / runs:F2}"));
}

static async Task RunOnceAsync(ContainerEngine engine, ContainerCreateOptions options)
{
    var container = await engine.Containers.RunAsync(options);
    var code = await engine.Containers.WaitAsync(container.Id);
    await engine.Containers.RemoveAsync(container.Id);
    if (code != 0)
    {
        throw new InvalidOperationException($"/bin/true exited {code}");
    }
}
