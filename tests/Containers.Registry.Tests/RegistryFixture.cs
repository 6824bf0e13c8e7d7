using Containers.Hosting;
using Containers.Images;
using Containers.Registry.Hosting;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>A plain-HTTP registry on loopback holding a busybox image pushed once for the whole class.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public RegistryServer Server { get; private set; } = null!;

    public ImageDetails Image { get; private set; } = null!;

    public string Reference => $"{Server.Host}/library/busybox:1";

    public async Task InitializeAsync()
    {
        Server = await RegistryServer.StartAsync();
        await using var source = ClientEngine.Create();
        Image = await source.ImportAsync("busybox:1");
        await source.Registry.PushAsync("busybox:1", Reference);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>An engine with the registry client over a fresh root, both disposed together.</summary>
public sealed class ClientEngine : IAsyncDisposable
{
    private readonly TempDirectory _root;

    private ClientEngine(TempDirectory root, ContainerEngine engine)
    {
        _root = root;
        Engine = engine;
    }

    public ContainerEngine Engine { get; }

    public string Root => _root.Path;

    public IRegistryClient Registry => Engine.Registry();

    public static ClientEngine Create(Action<RegistryClientOptions>? configure = null)
    {
        var root = new TempDirectory("registry-client");
        return new ClientEngine(root, ContainerEngine.Create(new ContainersOptions { Root = root.Path }, b => b.AddRegistryClient(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(o);
        })));
    }

    public async Task<ImageDetails> ImportAsync(string name, IReadOnlyDictionary<string, string>? files = null)
    {
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync(files));
        return await Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = name });
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        _root.Dispose();
    }
}
