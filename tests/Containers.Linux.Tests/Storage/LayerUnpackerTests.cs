using Containers.Containers;
using Containers.Content;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Storage;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Storage;

/// <summary>A pull can unpack each layer as its blob lands, in any order, and each layer is unpacked once.</summary>
public sealed class LayerUnpackerTests : IAsyncLifetime
{
    private readonly CountingLoggerProvider _log = new();
    private TestEngine _test = null!;

    private string Storage => Path.Combine(_test.Root, "storage", "overlay");

    private int Unpacks => _log.Messages.Count(m => m.StartsWith("Unpacked layer", StringComparison.Ordinal));

    public async Task InitializeAsync()
    {
        _test = TestEngine.Create(b => _log.AddTo(b.AddLinuxRuntime(o => o.StorageDriver = "overlay").Services));
        await _test.ImportBusyboxAsync("busybox:latest");
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    private ILayerUnpacker Unpacker => _test.Engine.Services.GetRequiredService<ILayerUnpacker>();

    [Fact]
    public async Task Layers_applied_top_first_and_concurrently_commit_base_first_and_the_image_then_mounts_without_unpacking()
    {
        var layers = new List<byte[]> { await TestImages.BusyboxRootfsAsync() };
        layers.AddRange(Enumerable.Range(1, 3).Select(i => TarArchive.Write([new TarArchive.Entry($"pulled/{i}", System.Text.Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))])));
        var image = await LayeredImages.AddAsync(_test.Engine, "pulled:1", layers);
        var chain = ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList());
        var before = Unpacks;

        // As blobs land out of order: the top layer's call starts first and waits for its parents.
        var calls = Enumerable.Range(0, chain.Count).Reverse()
            .Select(i => Unpacker.ApplyLayerAsync(image.Layers[i].Descriptor, image.Layers[i].DiffId, i == 0 ? null : chain[i - 1]))
            .ToList();
        var results = await Task.WhenAll(calls);

        results.Reverse().Should().Equal(chain);
        Unpacks.Should().Be(before + 4);
        (await Unpacker.ApplyLayerAsync(image.Layers[3].Descriptor, image.Layers[3].DiffId, chain[2])).Should().Be(chain[3]);
        Unpacks.Should().Be(before + 4, "applying a layer again does nothing");

        var container = await _test.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "pulled:1", Command = ["sh", "-c", "cat /pulled/1 /pulled/2 /pulled/3"] });
        await _test.Engine.Containers.WaitAsync(container.Id);
        string.Concat(await _test.Engine.Containers.LogsAsync(container.Id).Select(e => e.Text).ToListAsync()).Should().Be("123");
        await _test.Engine.Containers.RemoveAsync(container.Id);
        Unpacks.Should().Be(before + 4, "the image's layers were all unpacked already");
    }

    [Fact]
    public async Task A_layer_that_does_not_match_its_diff_id_is_refused_and_leaves_nothing()
    {
        var blob = await _test.Engine.Content.WriteAsync(new MemoryStream(TarArchive.Write([new TarArchive.Entry("x", "x"u8.ToArray())])));
        var descriptor = new Oci.Descriptor { MediaType = Oci.MediaTypes.OciLayer, Digest = blob.Digest, Size = blob.Size };
        var wrong = Digest.Compute("something else"u8.ToArray());

        var act = () => Unpacker.ApplyLayerAsync(descriptor, wrong, null);

        await act.Should().ThrowAsync<DigestMismatchException>();
        Directory.Exists(Path.Combine(Storage, "layers", wrong.Encoded)).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(Path.Combine(Storage, "staging")).Should().BeEmpty();
    }

    [Fact]
    public async Task The_vfs_driver_only_computes_chain_ids()
    {
        await using var vfs = TestEngine.Create(b => b.AddLinuxRuntime(o => o.StorageDriver = "vfs"));
        var image = await vfs.ImportBusyboxAsync("busybox:vfs");
        var unpacker = vfs.Engine.Services.GetRequiredService<ILayerUnpacker>();

        (await unpacker.ApplyLayerAsync(image.Layers[0].Descriptor, image.Layers[0].DiffId, null)).Should().Be(image.Layers[0].DiffId);
        Directory.Exists(Path.Combine(vfs.Root, "storage", "overlay", "layers")).Should().BeFalse();
    }
}
