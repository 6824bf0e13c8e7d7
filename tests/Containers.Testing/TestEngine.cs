using Containers.Hosting;
using Containers.Images;

namespace Containers.Testing;

/// <summary>
/// An engine over a fresh store root in a scratch directory; disposing it resets the root (so no bridge or firewall
/// table outlives it), disposes the engine and deletes the root.
/// </summary>
public sealed class TestEngine : IAsyncDisposable
{
    private readonly TempDirectory _root;

    private TestEngine(TempDirectory root, ContainerEngine engine)
    {
        _root = root;
        Engine = engine;
    }

    public ContainerEngine Engine { get; }

    public string Root => _root.Path;

    /// <summary>Creates an engine; <paramref name="configure"/> adds platform components.</summary>
    public static TestEngine Create(Action<IContainersBuilder>? configure = null, Platform? platform = null, string? defaultNetwork = null)
    {
        var root = new TempDirectory("containers-root");
        var options = new ContainersOptions { Root = root.Path, DefaultNetwork = defaultNetwork };
        if (platform is not null)
        {
            options.Platform = platform;
        }

        return new TestEngine(root, ContainerEngine.Create(options, configure));
    }

    /// <summary>Imports the busybox root filesystem under <paramref name="name"/> and returns the image.</summary>
    public async Task<ImageDetails> ImportBusyboxAsync(string name = "busybox:latest", IReadOnlyDictionary<string, string>? extraFiles = null, IReadOnlyList<string>? changes = null)
    {
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync(extraFiles));
        return await Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = name, Changes = changes ?? ["CMD [\"/bin/sh\"]"] });
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.ResetAsync();
        await Engine.DisposeAsync();
        _root.Dispose();
    }
}
