// PostgreSQL fixture start to first query: ours in-process (Containers.Fixtures.PostgreSqlBuilder) against
// Testcontainers for .NET driving Docker, on the same image. scripts/bench-fixture.sh prepares Docker and runs it.
//   warm <root> <rounds>   one process: engine created once, image imported once, then interleaved rounds ours/theirs
//   fresh-ours <root>      the first fixture of a new process (the image already in the root's store)
//   fresh-theirs           the first Testcontainers fixture of a new process
//   snapshot <root> <rounds>  one process: the ready-state snapshot taken once, then interleaved rounds ours-from-snapshot/theirs
//   fresh-snapshot <root>  the first fixture of a new process, from the root's ready-state snapshot
//   engine-profile <root>  what engine creation and the first runs cost in a fresh process (busybox imported first)
//   import <root>          imports postgres:test into the root;  save <root> <file>: writes it as a docker archive
//   reset <root>           removes everything the root holds
//   proxy <listen> <docker> serves Docker's socket at API 1.44 for Testcontainers (see DockerApiVersionProxy)
using System.Diagnostics;
using System.Globalization;
using Containers.Archives;
using Containers.Fixtures;
using Containers.Hosting;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Testing;
using Npgsql;
using Ours = Containers.Fixtures;
using Theirs = Testcontainers.PostgreSql;

const string Image = "postgres:test";

var mode = args.Length > 0 ? args[0] : "warm";
switch (mode)
{
    case "warm":
        await WarmAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        break;
    case "fresh-ours":
        await FreshOursAsync(args[1]);
        break;
    case "fresh-theirs":
        await FreshTheirsAsync();
        break;
    case "snapshot":
        await SnapshotAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        break;
    case "fresh-snapshot":
        await FreshOursAsync(args[1], snapshot: true);
        break;
    case "engine-profile":
        await EngineProfile.RunAsync(args[1]);
        break;
    case "import":
        await using (var engine = CreateEngine(args[1]))
        {
            Console.WriteLine($"import: {await ImportAsync(engine):F0} ms");
        }

        break;
    case "save":
        await using (var engine = CreateEngine(args[1]))
        await using (var archive = File.Create(args[2]))
        {
            await engine.Images.SaveAsync([Image], archive, ArchiveFormat.DockerArchive);
        }

        break;
    case "proxy":
        await DockerApiVersionProxy.RunAsync(args[1], args[2]);
        break;
    case "reset":
        await using (var engine = CreateEngine(args[1]))
        {
            await engine.ResetAsync();
        }

        Directory.Delete(args[1], recursive: true);
        break;
    default:
        throw new ArgumentException($"unknown mode {mode}: warm, fresh-ours, fresh-theirs, import, save, reset or proxy");
}

static ContainerEngine CreateEngine(string root) => ContainerEngine.Create(new ContainersOptions { Root = root }, b => b.AddLinuxRuntime());

static async Task<double> ImportAsync(ContainerEngine engine)
{
    var watch = Stopwatch.StartNew();
    await using var rootfs = File.OpenRead(TestImages.ServicesRootfsPath);
    await engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = Image, Changes = TestImages.PostgresChanges });
    return watch.Elapsed.TotalMilliseconds;
}

static async Task WarmAsync(string root, int rounds)
{
    var watch = Stopwatch.StartNew();
    await using var engine = CreateEngine(root);
    var created = watch.Elapsed.TotalMilliseconds;
    var imported = await ImportAsync(engine);
    Console.WriteLine($"warm: engine creation {created:F1} ms, image import {imported:F0} ms");

    // One untimed round each first: JIT, Docker's first container, the page cache of both image copies.
    await OursAsync(engine);
    await TheirsAsync();
    var ours = new List<OursRound>();
    var theirs = new List<TheirsRound>();
    for (var i = 0; i < rounds; i++)
    {
        ours.Add(await OursAsync(engine));
        theirs.Add(await TheirsAsync());
        Console.WriteLine($"round {i + 1}: ours {ours[^1]}; theirs {theirs[^1]}");
    }

    var oursMedian = Median(ours.Select(r => r.FirstQuery));
    var theirsMedian = Median(theirs.Select(r => r.FirstQuery));
    Console.WriteLine($"warm medians of {rounds}: ours {oursMedian:F0} ms to first query (container started {Median(ours.Select(r => r.Started)):F0}, "
        + $"ready {Median(ours.Select(r => r.Ready)):F0}, first query {oursMedian:F0}; dispose {Median(ours.Select(r => r.Dispose)):F0}); "
        + $"theirs {theirsMedian:F0} ms (created {Median(theirs.Select(r => r.Created)):F0}, ready {Median(theirs.Select(r => r.Ready)):F0}; "
        + $"dispose {Median(theirs.Select(r => r.Dispose)):F0}); theirs / ours {theirsMedian / oursMedian:F2}x");
}

static async Task SnapshotAsync(string root, int rounds)
{
    await using var engine = CreateEngine(root);
    var imported = await ImportAsync(engine);
    await engine.Snapshots.PruneAsync();
    var watch = Stopwatch.StartNew();
    var taking = await OursAsync(engine, snapshot: true);
    Console.WriteLine($"snapshot: image import {imported:F0} ms; first start took the snapshot: {watch.Elapsed.TotalMilliseconds:F0} ms in all ({taking})");
    foreach (var snapshot in await engine.Snapshots.ListAsync())
    {
        Console.WriteLine($"snapshot {snapshot.Key[..12]}: layer {snapshot.Size / 1e6:F1} MB, image {snapshot.TotalSize / 1e6:F1} MB");
    }

    // One untimed round each first: JIT, Docker's first container, the page cache of both image copies.
    await OursAsync(engine, snapshot: true);
    await TheirsAsync();
    var ours = new List<OursRound>();
    var theirs = new List<TheirsRound>();
    for (var i = 0; i < rounds; i++)
    {
        ours.Add(await OursAsync(engine, snapshot: true));
        theirs.Add(await TheirsAsync());
        Console.WriteLine($"round {i + 1}: ours from snapshot {ours[^1]}; theirs {theirs[^1]}; load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    var oursMedian = Median(ours.Select(r => r.FirstQuery));
    var theirsMedian = Median(theirs.Select(r => r.FirstQuery));
    Console.WriteLine($"snapshot medians of {rounds}: ours {oursMedian:F0} ms to first query (container started {Median(ours.Select(r => r.Started)):F0}, "
        + $"ready {Median(ours.Select(r => r.Ready)):F0}; dispose {Median(ours.Select(r => r.Dispose)):F0}); "
        + $"theirs {theirsMedian:F0} ms (created {Median(theirs.Select(r => r.Created)):F0}, ready {Median(theirs.Select(r => r.Ready)):F0}; "
        + $"dispose {Median(theirs.Select(r => r.Dispose)):F0}); theirs / ours {theirsMedian / oursMedian:F2}x");
}

static async Task FreshOursAsync(string root, bool snapshot = false)
{
    var watch = Stopwatch.StartNew();
    var engine = CreateEngine(root);
    var created = watch.Elapsed.TotalMilliseconds;
    var round = await OursAsync(engine, snapshot);
    var sinceExec = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds - round.Dispose;
    await engine.DisposeAsync();
    Console.WriteLine($"fresh ours{(snapshot ? " from snapshot" : string.Empty)}: {created + round.FirstQuery:F0} ms from Main to first query (engine creation {created:F0}, then {round}); {sinceExec:F0} ms from exec");
}

static async Task FreshTheirsAsync()
{
    var round = await TheirsAsync();
    var sinceExec = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds - round.Dispose;
    Console.WriteLine($"fresh theirs: {round.FirstQuery:F0} ms from Main to first query ({round}); {sinceExec:F0} ms from exec");
}

// Our fixture as a test writes it, with the module's own wait strategy wrapped to note when polling begins
// (the container is created, its files copied and its process started by then).
static async Task<OursRound> OursAsync(ContainerEngine engine, bool snapshot = false)
{
    var watch = Stopwatch.StartNew();
    var timed = new TimedWait(
        Wait.ForAll(Wait.ForPort(Ours.PostgreSqlBuilder.Port), Wait.ForCommand("pg_isready", "--host", "127.0.0.1", "--port", "5432", "--username", "postgres", "--dbname", "postgres")),
        watch);
    var builder = new Ours.PostgreSqlBuilder(Image).WithContainer(c => BenchUser() is { } user ? c.WithWaitStrategy(timed).WithUser(user) : c.WithWaitStrategy(timed));
    var postgres = await (snapshot ? builder.WithReadySnapshot() : builder).StartAsync(engine);
    var ready = watch.Elapsed.TotalMilliseconds;
    await FirstQueryAsync(postgres.ConnectionString);
    var firstQuery = watch.Elapsed.TotalMilliseconds;
    var dispose = Stopwatch.StartNew();
    await postgres.DisposeAsync();
    return new OursRound(timed.Started, ready, firstQuery, dispose.Elapsed.TotalMilliseconds);
}

// Testcontainers' module as its documentation writes it; Docker runs the same image (scripts/bench-fixture.sh loads it).
static async Task<TheirsRound> TheirsAsync()
{
    var watch = Stopwatch.StartNew();
    var builder = new Theirs.PostgreSqlBuilder(Image);
    var postgres = (BenchUser() is { } user ? builder.WithCreateParameterModifier(p => p.User = user) : builder).Build();
    var created = 0.0;
    postgres.Created += (_, _) => created = watch.Elapsed.TotalMilliseconds;
    await postgres.StartAsync();
    var ready = watch.Elapsed.TotalMilliseconds;
    await FirstQueryAsync(postgres.GetConnectionString());
    var firstQuery = watch.Elapsed.TotalMilliseconds;
    var dispose = Stopwatch.StartNew();
    await postgres.DisposeAsync();
    return new TheirsRound(created, ready, firstQuery, dispose.Elapsed.TotalMilliseconds);
}

// Pooling off: every round connects anew, as a test's first query does, and no pooled connection outlives its server.
static async Task FirstQueryAsync(string connectionString)
{
    await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT 1", connection);
    if (await command.ExecuteScalarAsync() is not 1)
    {
        throw new InvalidOperationException("SELECT 1 did not return 1");
    }
}

// BENCH_USER=postgres runs both servers as that user (the entrypoint's root branch chowns PGDATA recursively first).
static string? BenchUser() => Environment.GetEnvironmentVariable("BENCH_USER") is { Length: > 0 } user ? user : null;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>Times of one of our rounds, in ms from the builder's start.</summary>
internal sealed record OursRound(double Started, double Ready, double FirstQuery, double Dispose)
{
    public override string ToString() =>
        $"{FirstQuery:F0} ms (started {Started:F0}, ready {Ready:F0}, query {FirstQuery - Ready:F0}; dispose {Dispose:F0})";
}

/// <summary>Times of one Testcontainers round, in ms from the builder's start.</summary>
internal sealed record TheirsRound(double Created, double Ready, double FirstQuery, double Dispose)
{
    public override string ToString() =>
        $"{FirstQuery:F0} ms (created {Created:F0}, ready {Ready:F0}, query {FirstQuery - Ready:F0}; dispose {Dispose:F0})";
}

/// <summary>Delegates to a wait strategy and notes when it is first asked, that is when the container's process has started.</summary>
internal sealed class TimedWait(IWaitStrategy inner, Stopwatch watch) : IWaitStrategy
{
    public double Started { get; private set; }

    public TimeSpan Timeout => inner.Timeout;

    public string Description => inner.Description;

    public Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        if (Started == 0)
        {
            Started = watch.Elapsed.TotalMilliseconds;
        }

        return inner.IsReadyAsync(context, cancellationToken);
    }
}
