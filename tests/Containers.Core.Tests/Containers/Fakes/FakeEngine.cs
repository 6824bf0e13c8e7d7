using System.Formats.Tar;
using Containers.Containers;
using Containers.Hosting;
using Containers.Images;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>
/// An engine composed from Core's registrations with a <see cref="FakeContainerRuntime"/> and a
/// <see cref="FakeContainerRootfs"/> and no network driver (so containers get network <c>none</c>), over a scratch root
/// holding a tiny image named <see cref="Image"/>. Nothing in it needs root or touches a mount, cgroup, namespace or netlink.
/// </summary>
public sealed class FakeEngine : IAsyncDisposable
{
    /// <summary>The image every engine holds: a root with <c>/etc/passwd</c> and <c>/etc/group</c>, <c>CMD ["/bin/sh"]</c>.</summary>
    public const string Image = "fake:latest";

    private readonly TempDirectory _root;
    private readonly TempDirectory _rootfs;
    private bool _engineDisposed;

    private FakeEngine(TempDirectory root, TempDirectory rootfs, FakeContainerRuntime runtime, FakeContainerRootfs rootfsProvider, ContainerEngine engine)
    {
        _root = root;
        _rootfs = rootfs;
        Runtime = runtime;
        Rootfs = rootfsProvider;
        Engine = engine;
    }

    public ContainerEngine Engine { get; }

    public IContainerService Containers => Engine.Containers;

    public FakeContainerRuntime Runtime { get; }

    public FakeContainerRootfs Rootfs { get; }

    /// <summary>Gets the engine's root.</summary>
    public string Root => _root.Path;

    /// <summary>Creates the engine and imports <see cref="Image"/>.</summary>
    public static async Task<FakeEngine> CreateAsync()
    {
        var root = new TempDirectory("containers-fake-root");
        var rootfs = new TempDirectory("containers-fake-rootfs");
        var runtime = new FakeContainerRuntime();
        var rootfsProvider = new FakeContainerRootfs(rootfs.Path);
        var engine = Compose(root.Path, runtime, rootfsProvider);
        var fake = new FakeEngine(root, rootfs, runtime, rootfsProvider, engine);
        await fake.ImportImageAsync(Image, "CMD [\"/bin/sh\"]");
        return fake;
    }

    /// <summary>
    /// Opens another engine on the same root with the same fakes, as a later process would; its constructor runs recovery.
    /// The caller disposes it.
    /// </summary>
    public ContainerEngine OpenAnotherEngine() => Compose(Root, Runtime, Rootfs);

    /// <summary>Imports a one-layer image made in memory under <paramref name="reference"/>, with Dockerfile-style <paramref name="changes"/>.</summary>
    public Task<ImageDetails> ImportImageAsync(string reference, params string[] changes)
    {
        var tar = TarArchive.Write(
        [
            new TarArchive.Entry("etc/", [], TarEntryType.Directory),
            new TarArchive.Entry("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"u8.ToArray()),
            new TarArchive.Entry("etc/group", "root:x:0:\n"u8.ToArray()),
        ]);
        return Engine.Images.ImportAsync(new MemoryStream(tar), new ImportOptions { Reference = reference, Changes = changes });
    }

    /// <summary>Options for a container of <see cref="Image"/> running <paramref name="command"/>.</summary>
    public static ContainerCreateOptions Options(params string[] command) =>
        new() { Image = Image, Command = command.Length == 0 ? ["serve"] : command };

    /// <summary>Gets the container's state directory in the root.</summary>
    public string DirectoryOf(string containerId) => Path.Combine(Root, "containers", containerId);

    /// <summary>Composes an engine from Core's registrations and the fakes, as <c>AddLinuxRuntime</c> adds the real ones.</summary>
    private static ContainerEngine Compose(string root, FakeContainerRuntime runtime, FakeContainerRootfs rootfs) =>
        ContainerEngine.Create(new ContainersOptions { Root = root }, b =>
        {
            b.Services.AddSingleton<IContainerRuntime>(runtime);
            b.Services.AddSingleton<IContainerRootfs>(rootfs);
        });

    /// <summary>Disposes the engine alone (as a host shutting down), leaving the root for the test to inspect.</summary>
    public async Task DisposeEngineAsync()
    {
        _engineDisposed = true;
        await Engine.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_engineDisposed)
        {
            await Engine.ResetAsync();
            await Engine.DisposeAsync();
        }

        _root.Dispose();
        _rootfs.Dispose();
    }
}
