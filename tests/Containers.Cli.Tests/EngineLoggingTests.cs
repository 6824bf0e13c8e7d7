using System.Collections.Concurrent;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Networks;
using Containers.Registry.Hosting;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Containers.Cli.Tests;

/// <summary>Logging a user adds through <c>ContainerEngine.Create(configure: ...)</c> receives the engine's messages.</summary>
public sealed class EngineLoggingTests : IAsyncLifetime
{
    private readonly TempDirectory _pusher = new("log-pusher");
    private readonly TempDirectory _root = new("log-root");
    private readonly CapturingProvider _capture = new();
    private RegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync();
        var rootfs = _pusher.Combine("rootfs.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        (await CliRunner.RunAsync(_pusher.Path, "import", rootfs, "busybox:latest")).ExitCode.Should().Be(0);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await CliRunner.DeleteRootAsync(_pusher);
        await CliRunner.DeleteRootAsync(_root);
    }

    private ContainerEngine Engine(Action<Registry.RegistryClientOptions>? registry = null) =>
        ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b =>
        {
            b.Services.AddLogging(l => l.AddProvider(_capture).SetMinimumLevel(LogLevel.Debug));
            b.AddLinuxRuntime();
            b.AddRegistryClient(registry);
        });

    [Fact]
    public async Task Pulls_ports_starts_exits_retries_mirror_fallbacks_and_recovery_reach_the_users_logger()
    {
        var reference = $"{_registry.Host}/logged/busybox:1";
        (await CliRunner.RunAsync(_pusher.Path, "push", "busybox", reference)).ExitCode.Should().Be(0);

        await using (var engine = Engine(o =>
        {
            // Nothing listens on port 1: the mirror fails after one retry and the pull falls back to the registry.
            o.Mirrors[_registry.Host] = ["127.0.0.1:1"];
            o.MaxRetries = 1;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        }))
        {
            _capture.Messages.Should().Contain(m => m.Category == typeof(ContainerEngine).FullName && m.Text.StartsWith("Recovery of", StringComparison.Ordinal), "the engine's creation ran recovery");
            var run = await engine.Containers.RunAsync(new ContainerCreateOptions
            {
                Image = reference,
                Command = ["true"],
                PortBindings = [new PortBinding { ContainerPort = 80, HostIp = "127.0.0.1" }],
            });
            (await engine.Containers.WaitAsync(run.Id)).Should().Be(0);
            await engine.Containers.RemoveAsync(run.Id);
        }

        var texts = _capture.Messages.Select(m => m.Text).ToList();
        texts.Should().Contain(t => t.StartsWith("Pulling image " + reference, StringComparison.Ordinal), "pull on first use says so");
        texts.Should().Contain(t => t.StartsWith("Pulling " + reference, StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith("Retrying a request to 127.0.0.1:1", StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith("Mirror 127.0.0.1:1 failed to serve " + reference, StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith("Layer sha256:", StringComparison.Ordinal) && t.Contains("downloaded", StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith($"Pulled {reference} from {_registry.Host}: manifest sha256:", StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith("Published 127.0.0.1:", StringComparison.Ordinal) && t.Contains("to port 80/tcp", StringComparison.Ordinal));
        texts.Should().Contain(t => t.StartsWith("Started container ", StringComparison.Ordinal));
        texts.Should().Contain(t => t.Contains("exited with code 0", StringComparison.Ordinal));

        // An abandoned write is what a crashed pull leaves: the next engine reclaims it and says so.
        await File.WriteAllTextAsync(Path.Combine(_root.Path, "tmp", "ingest-abandoned"), "half a blob");
        await using (Engine())
        {
        }

        texts = _capture.Messages.Select(m => m.Text).ToList();
        texts.Should().Contain(t => t.StartsWith($"Recovery of {_root.Path} reclaimed 1 leftovers of crashed processes: abandoned content writes", StringComparison.Ordinal));
    }

    private sealed record Captured(string Category, LogLevel Level, string Text);

    private sealed class CapturingProvider : ILoggerProvider
    {
        public ConcurrentQueue<Captured> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Messages.Enqueue(new Captured(category, logLevel, formatter(state, exception)));
        }
    }
}
