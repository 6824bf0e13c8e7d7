using Containers.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Compose;

/// <summary>
/// A Compose project started for a test: <see cref="StartAsync"/> brings it up and waits until every service runs, is
/// healthy or (one-shot jobs) completed, as <c>docker compose up -d --wait</c>; <see cref="GetMappedPortAsync"/> says
/// where a service listens; disposing it removes its containers, networks and volumes, as <c>down -v</c>.
/// </summary>
/// <example>
/// <code>
/// await using var app = await ComposeEnvironment.StartAsync(engine, new ComposeEnvironmentOptions
/// {
///     Load = new ComposeLoadOptions { Files = ["compose.yaml"] },
/// });
/// var port = await app.GetMappedPortAsync("web", 80);   // http://{app.Host}:{port}/
/// </code>
/// </example>
public sealed class ComposeEnvironment : IAsyncDisposable
{
    private readonly ComposeOrchestrator _orchestrator;
    private readonly ILogger _logger;
    private int _disposed;

    private ComposeEnvironment(ComposeOrchestrator orchestrator, ComposeProject project, IReadOnlyList<ComposeContainer> containers, ILogger logger)
    {
        _orchestrator = orchestrator;
        Project = project;
        Containers = containers;
        _logger = logger;
    }

    /// <summary>Gets the resolved project (its <see cref="ComposeProject.Name"/> carries the unique suffix).</summary>
    public ComposeProject Project { get; }

    /// <summary>Gets the project's containers as they were when it became ready.</summary>
    public IReadOnlyList<ComposeContainer> Containers { get; }

    /// <summary>Gets the host address published ports answer on.</summary>
    public string Host => "127.0.0.1";

    /// <summary>Loads the project, starts it and waits until it is ready; on failure, removes what it made and rethrows.</summary>
    /// <exception cref="ComposeFileException">The Compose files are invalid; nothing was created.</exception>
    /// <exception cref="ComposeWaitException">A service did not become ready in time.</exception>
    public static async Task<ComposeEnvironment> StartAsync(ContainerEngine engine, ComposeEnvironmentOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        var load = options.Load;
        if (options.UniqueProjectName)
        {
            var baseName = ComposeLoader.Load(load).Name;
            load = load with { ProjectName = $"{baseName}-{Guid.NewGuid():N}"[..(baseName.Length + 9)] };
        }

        var project = ComposeLoader.Load(load);
        var orchestrator = new ComposeOrchestrator(engine, loggerFactory?.CreateLogger<ComposeOrchestrator>());
        var logger = loggerFactory?.CreateLogger<ComposeEnvironment>() ?? (ILogger)NullLogger.Instance;
        try
        {
            var containers = await orchestrator.UpAsync(project, new ComposeUpOptions
            {
                Services = options.Services,
                Build = options.Build,
                Wait = true,
                WaitTimeout = options.WaitTimeout,
                Detached = options.Detached,
            }, cancellationToken).ConfigureAwait(false);
            return new ComposeEnvironment(orchestrator, project, containers, logger);
        }
        catch
        {
            await orchestrator.DownAsync(project.Name, new ComposeDownOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gets the host port a service's container (replica <paramref name="number"/>) publishes for <paramref name="containerPort"/>.</summary>
    public Task<int> GetMappedPortAsync(string service, int containerPort, int number = 1, CancellationToken cancellationToken = default) =>
        _orchestrator.GetMappedPortAsync(Project.Name, service, containerPort, "tcp", number, cancellationToken);

    /// <summary>Gets the container name of a service's replica <paramref name="number"/>, for exec, logs or inspect.</summary>
    public string GetContainerName(string service, int number = 1) =>
        ComposeOrchestrator.ContainerName(Project, Project.Services.TryGetValue(service, out var config) ? config : throw new ArgumentException($"no such service: {service}", nameof(service)), number);

    /// <summary>Removes the project's containers, networks and volumes (<c>down -v</c>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _orchestrator.DownAsync(Project.Name, new ComposeDownOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None).ConfigureAwait(false);
            ComposeLog.Removed(_logger, Project.Name, "project", Project.Name);
        }
    }
}
