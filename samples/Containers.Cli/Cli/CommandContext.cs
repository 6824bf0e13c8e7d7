using Containers.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Cli.Cli;

/// <summary>Gives a command handler its arguments, the engine for the selected root, and the output streams.</summary>
internal sealed class CommandContext(ParsedArguments arguments, GlobalOptions global, TextWriter output, TextWriter error, CancellationToken cancellationToken) : IAsyncDisposable
{
    private ContainerEngine? _engine;
    private Linux.Hosting.ScratchRoot? _scratch;
    private ServiceProvider? _readerServices;

    public ParsedArguments Args { get; } = arguments;

    public GlobalOptions Global { get; } = global;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Gets the engine over the selected root, created on first use so that <c>--help</c> needs no store.</summary>
    public ContainerEngine Engine => _engine ??= Global.Scratch ? (_scratch = EngineFactory.CreateScratch(Global)).Engine : EngineFactory.Create(Global);

    /// <summary>
    /// Gets the engine for a command that only reads the image store (<c>images</c>): without the recovery passes that
    /// <see cref="Engine"/> runs at creation, as podman's and Docker's image listings run none. Those passes finish what
    /// crashed processes left of containers, networks, layers being unpacked and blob writes, none of which an image
    /// listing shows; the next command that acts on the store runs them, before it acts. They were most of the CPU time
    /// of <c>containers images</c>.
    /// </summary>
    public ContainerEngine ImageReader => _engine ??= Global.Scratch
        ? Engine
        : (_readerServices = EngineFactory.CreateImageReader(Global)).GetRequiredService<ContainerEngine>();

    /// <summary>Gets a value indicating whether <c>--format json</c> was asked for.</summary>
    public bool Json => string.Equals(Args.Value("format"), "json", StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
        else if (_readerServices is not null)
        {
            await _readerServices.DisposeAsync(); // owns the engine it made
        }
        else if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}
