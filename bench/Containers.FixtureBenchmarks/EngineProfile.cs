using System.Diagnostics;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

/// <summary>
/// What a fresh test process spends before its first container runs: process start to Main, <c>ContainerEngine.Create</c>
/// (service construction and each recovery, timed by the engine's own log lines), then the first and second run of
/// <c>busybox true</c> on the bridge, as a fixture's container is.
/// </summary>
internal static class EngineProfile
{
    public static async Task RunAsync(string root)
    {
        var sinceExec = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        if (!File.Exists(Path.Combine(root, "content", "index.json")) || !Directory.Exists(Path.Combine(root, "content")))
        {
            await using var setup = ContainerEngine.Create(new ContainersOptions { Root = root }, b => b.AddLinuxRuntime());
            await using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
            await setup.Images.ImportAsync(rootfs, new Containers.Images.ImportOptions { Reference = "busybox:latest", Changes = ["CMD [\"/bin/sh\"]"] });
            Console.WriteLine("engine-profile: busybox imported; run again for a fresh process's figures");
            return;
        }

        var watch = Stopwatch.StartNew();
        var log = new TimedLog(watch);
        var engine = ContainerEngine.Create(new ContainersOptions { Root = root }, b =>
        {
            b.AddLinuxRuntime();
            b.Services.AddSingleton<ILoggerFactory>(log);
            b.Services.AddSingleton(typeof(ILogger<>), typeof(TimedLogger<>));
        });
        var created = watch.Elapsed.TotalMilliseconds;
        var first = await RunOnceAsync(engine);
        var second = await RunOnceAsync(engine);
        var recoverAgain = Stopwatch.StartNew();
        await engine.RecoverAsync();
        var recovered = recoverAgain.Elapsed.TotalMilliseconds;
        await engine.DisposeAsync();
        Console.WriteLine($"engine-profile: {sinceExec:F0} ms exec to Main; Create {created:F0} ms; first run {first:F0} ms; second run {second:F0} ms; recovery again (warm) {recovered:F1} ms");
        foreach (var line in log.Lines)
        {
            Console.WriteLine("  " + line);
        }
    }

    private static async Task<double> RunOnceAsync(ContainerEngine engine)
    {
        var watch = Stopwatch.StartNew();
        var run = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        await engine.Containers.WaitAsync(run.Id);
        await engine.Containers.RemoveAsync(run.Id, force: true, removeVolumes: true);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Keeps every log line with the time since the engine's creation began.</summary>
    internal sealed class TimedLog(Stopwatch watch) : ILoggerFactory
    {
        public List<string> Lines { get; } = [];

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        internal void Write(string category, string message)
        {
            lock (Lines)
            {
                Lines.Add($"{watch.Elapsed.TotalMilliseconds,8:F1} ms {category[(category.LastIndexOf('.') + 1)..]}: {message}");
            }
        }

        private sealed class Logger(TimedLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Write(category, formatter(state, exception));
        }
    }

    /// <summary>A typed logger over <see cref="TimedLog"/>.</summary>
    internal sealed class TimedLogger<T>(ILoggerFactory factory) : ILogger<T>
    {
        private readonly ILogger _inner = factory.CreateLogger(typeof(T).FullName ?? typeof(T).Name);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => _inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
