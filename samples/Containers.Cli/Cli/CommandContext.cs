using Containers.Hosting;

namespace Containers.Cli.Cli;

/// <summary>Gives a command handler its arguments, the engine for the selected root, and the output streams.</summary>
internal sealed class CommandContext(ParsedArguments arguments, GlobalOptions global, TextWriter output, TextWriter error, CancellationToken cancellationToken) : IAsyncDisposable
{
    private ContainerEngine? _engine;
    private Linux.Hosting.ScratchRoot? _scratch;

    public ParsedArguments Args { get; } = arguments;

    public GlobalOptions Global { get; } = global;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Gets the engine over the selected root, created on first use so that <c>--help</c> needs no store.</summary>
    public ContainerEngine Engine => _engine ??= Global.Scratch ? (_scratch = EngineFactory.CreateScratch(Global)).Engine : EngineFactory.Create(Global);

    /// <summary>Gets a value indicating whether <c>--format json</c> was asked for.</summary>
    public bool Json => string.Equals(Args.Value("format"), "json", StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        if (_scratch is not null)
        {
            await _scratch.DisposeAsync();
        }
        else if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}
