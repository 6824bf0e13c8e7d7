using System.IO.Compression;
using Containers.Archives;
using Containers.Content;
using Containers.Images;
using Containers.Oci;
using Containers.Testing;

namespace Containers.Core.Tests.Images;

public sealed class ImageServiceTests : IAsyncLifetime
{
    private TestEngine _test = null!;

    private IImageService Images => _test.Engine.Images;

    public Task InitializeAsync()
    {
        _test = TestEngine.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    [Fact]
    public async Task Import_makes_a_single_layer_image_that_lists_and_inspects()
    {
        var image = await _test.ImportBusyboxAsync("busybox:latest", changes: ["CMD [\"/bin/sh\"]", "ENV A=1 B=\"two words\"", "WORKDIR /tmp", "EXPOSE 8080", "LABEL team=core"]);

        image.Layers.Should().ContainSingle();
        image.Layers[0].Descriptor.MediaType.Should().Be(MediaTypes.OciLayer);
        image.Layers[0].DiffId.Should().Be(image.Layers[0].Descriptor.Digest, "an uncompressed layer's digest is its diff ID");
        image.Configuration.Config!.Cmd.Should().Equal("/bin/sh");
        image.Configuration.Config.Env.Should().Equal("A=1", "B=two words");
        image.Configuration.Config.WorkingDir.Should().Be("/tmp");
        image.Configuration.Config.ExposedPorts.Should().ContainKey("8080/tcp");
        image.Configuration.Config.Labels.Should().Contain("team", "core");
        image.Platform.Should().Be(Platform.Current with { });

        var listed = (await Images.ListAsync()).Should().ContainSingle().Which;
        listed.Id.Should().Be(image.Id);
        listed.Names.Select(n => n.ToString()).Should().Equal("docker.io/library/busybox:latest");
        listed.Size.Should().Be(image.Size);
        (await Images.InspectAsync("busybox")).Id.Should().Be(image.Id);
        (await Images.InspectAsync(image.Id.Encoded[..12])).Id.Should().Be(image.Id);
        (await Images.InspectAsync(image.Id.ToString())).Id.Should().Be(image.Id);
    }

    [Theory]
    [InlineData("gzip", LayerCompression.Gzip)]
    [InlineData("zstd", LayerCompression.Zstd)]
    public async Task Import_keeps_a_compressed_rootfs_compressed_and_records_the_uncompressed_diff_id(string kind, LayerCompression compression)
    {
        var tar = await TestImages.BusyboxRootfsAsync();
        using var compressed = new MemoryStream();
        await using (Stream encoder = kind == "gzip" ? new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true) : new ZstdSharp.CompressionStream(compressed, leaveOpen: true))
        {
            await encoder.WriteAsync(tar);
        }

        compressed.Position = 0;
        var image = await Images.ImportAsync(compressed, new ImportOptions { Reference = "packed:" + kind });

        image.Layers[0].Descriptor.MediaType.Should().Be(MediaTypes.OciLayerFor(compression));
        image.Layers[0].Descriptor.Size.Should().Be(compressed.Length);
        image.Layers[0].DiffId.Should().Be(Digest.Compute(tar));
    }

    [Theory]
    [InlineData("not a tar archive at all, just some text that is long enough to fill a header block")]
    [InlineData("")]
    public async Task Import_of_something_that_is_not_a_tar_is_refused_and_leaves_nothing(string content)
    {
        var before = StoreSnapshot.Take(_test.Root);

        var act = () => Images.ImportAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), new ImportOptions { Reference = "bad" });

        await act.Should().ThrowAsync<InvalidArchiveException>();
        StoreSnapshot.Take(_test.Root).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Import_of_a_truncated_tar_is_refused_and_leaves_nothing()
    {
        var tar = await TestImages.BusyboxRootfsAsync();
        var before = StoreSnapshot.Take(_test.Root);

        var act = () => Images.ImportAsync(new MemoryStream(tar[..(tar.Length / 2)]), new ImportOptions { Reference = "cut" });

        await act.Should().ThrowAsync<InvalidArchiveException>();
        StoreSnapshot.Take(_test.Root).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Import_refuses_entries_that_climb_out_of_the_root()
    {
        var tar = TarArchive.Write([new TarArchive.Entry("../../etc/evil", "x"u8.ToArray())]);
        var act = () => Images.ImportAsync(new MemoryStream(tar), new ImportOptions());
        (await act.Should().ThrowAsync<InvalidArchiveException>()).Which.Message.Should().Contain("..");
    }

    [Fact]
    public async Task Import_refuses_unknown_changes()
    {
        var act = () => _test.ImportBusyboxAsync("x", changes: ["RUN rm -rf /"]);
        (await act.Should().ThrowAsync<FormatException>()).Which.Message.Should().Contain("not supported");
    }

    [Fact]
    public async Task Tag_adds_a_name_and_moving_a_name_leaves_the_old_image_dangling()
    {
        var first = await _test.ImportBusyboxAsync("app:1");
        await Images.TagAsync("app:1", "localhost:5000/team/app:1");
        (await Images.InspectAsync("localhost:5000/team/app:1")).Id.Should().Be(first.Id);

        var second = await _test.ImportBusyboxAsync("app:1", extraFiles: new Dictionary<string, string> { ["etc/version"] = "2" });

        var images = await Images.ListAsync();
        images.Should().HaveCount(2);
        images.Single(i => i.Id == second.Id).Names.Select(n => n.FamiliarName).Should().Equal("app:1");
        images.Single(i => i.Id == first.Id).Names.Select(n => n.FamiliarName).Should().Equal("localhost:5000/team/app:1");

        await Images.TagAsync(second.Id.ShortId, "localhost:5000/team/app:1");
        (await Images.ListAsync()).Single(i => i.Id == first.Id).Dangling.Should().BeTrue();
    }

    [Fact]
    public async Task Remove_by_name_untags_until_the_last_name_then_deletes_the_image_and_its_blobs()
    {
        var image = await _test.ImportBusyboxAsync("app:1");
        await Images.TagAsync("app:1", "app:2");

        (await Images.RemoveAsync("app:1")).Select(r => r.ToString()).Should().Equal("Untagged: app:1");
        (await Images.InspectAsync("app:2")).Id.Should().Be(image.Id);

        (await Images.RemoveAsync("app:2")).Select(r => r.ToString()).Should().Equal("Untagged: app:2", "Deleted: " + image.Id);
        (await Images.ListAsync()).Should().BeEmpty();
        (await _test.Engine.Content.ListAsync().ToListAsync()).Should().BeEmpty("the blobs went with the image");
    }

    [Fact]
    public async Task Remove_by_id_of_an_image_with_several_names_needs_force()
    {
        var image = await _test.ImportBusyboxAsync("app:1");
        await Images.TagAsync("app:1", "other:1");

        var act = () => Images.RemoveAsync(image.Id.ShortId);
        (await act.Should().ThrowAsync<ImageConflictException>()).Which.Message.Should().Contain("must be forced");

        var removals = await Images.RemoveAsync(image.Id.ShortId, force: true);
        removals.Should().HaveCount(3).And.Contain(r => r.Kind == ImageRemovalKind.Deleted);
        (await Images.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Errors_name_what_is_missing_or_malformed()
    {
        await _test.ImportBusyboxAsync("app:1");

        var missing = () => Images.InspectAsync("nothing:here");
        (await missing.Should().ThrowAsync<ImageNotFoundException>()).Which.Image.Should().Be("nothing:here");
        var malformed = () => Images.InspectAsync("UPPER:case");
        (await malformed.Should().ThrowAsync<InvalidReferenceException>()).Which.Error.Should().Be(ReferenceError.UppercaseName);
        var badTarget = () => Images.TagAsync("app:1", "bad//name");
        await badTarget.Should().ThrowAsync<InvalidReferenceException>();
    }

    [Fact]
    public async Task Prune_removes_dangling_images_and_all_removes_every_unused_one()
    {
        var old = await _test.ImportBusyboxAsync("app:1");
        await _test.ImportBusyboxAsync("app:1", extraFiles: new Dictionary<string, string> { ["etc/v"] = "2" });
        await _test.ImportBusyboxAsync("keep:1", extraFiles: new Dictionary<string, string> { ["etc/v"] = "3" });

        var pruned = await Images.PruneAsync();
        pruned.Removals.Should().ContainSingle().Which.Value.Should().Be(old.Id.ToString());
        pruned.SpaceReclaimed.Should().BeGreaterThan(0);
        (await Images.ListAsync()).Should().HaveCount(2);

        (await Images.PruneAsync(all: true)).Removals.Count(r => r.Kind == ImageRemovalKind.Deleted).Should().Be(2);
        (await Images.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task CollectGarbage_deletes_only_unreferenced_blobs()
    {
        var image = await _test.ImportBusyboxAsync("app:1");
        var stray = await _test.Engine.Content.WriteAsync(new MemoryStream("stray"u8.ToArray()));

        var result = await Images.CollectGarbageAsync();

        result.BlobsDeleted.Should().Be(1);
        (await _test.Engine.Content.GetInfoAsync(stray.Digest)).Should().BeNull();
        (await _test.Engine.Content.GetInfoAsync(image.Layers[0].Descriptor.Digest)).Should().NotBeNull();
        (await Images.GetDiskUsageAsync()).Should().BeEquivalentTo(new { Images = 1, ActiveImages = 0 });
    }

    [Fact]
    public async Task AddAsync_refuses_a_manifest_whose_blobs_are_missing_and_names_nothing()
    {
        var missingLayer = new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute("absent"u8), Size = 6 };
        var config = await _test.Engine.Content.WriteAsync(new MemoryStream("{}"u8.ToArray()));
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.Digest, Size = config.Size },
            Layers = [missingLayer],
        };
        var bytes = OciSerializer.Serialize(manifest);
        var stored = await _test.Engine.Content.WriteAsync(new MemoryStream(bytes));

        var act = () => Images.AddAsync(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = stored.Digest, Size = stored.Size }, [ImageReference.Parse("x:1")]);

        (await act.Should().ThrowAsync<BlobNotFoundException>()).Which.Digest.Should().Be(missingLayer.Digest);
        (await Images.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_multi_platform_index_resolves_to_the_engine_platform_manifest()
    {
        var image = await _test.ImportBusyboxAsync("base:1");
        var other = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("s390x manifest not pulled"u8), Size = 10, Platform = Platform.Parse("linux/s390x") };
        var native = image.ManifestDescriptor with { Platform = Platform.Current };
        var index = await StoreIndexAsync(other, native);

        var added = await Images.AddAsync(index, [ImageReference.Parse("multi:1")]);

        added.Id.Should().Be(image.Id);
        added.ManifestDescriptor.Digest.Should().Be(image.ManifestDescriptor.Digest);
        (await Images.InspectAsync("multi:1")).Id.Should().Be(image.Id);
        (await Images.CollectGarbageAsync()).BlobsDeleted.Should().Be(0, "the index and what it reaches stay");
    }

    [Fact]
    public async Task An_index_without_a_manifest_for_the_platform_is_refused()
    {
        var other = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("x"u8), Size = 1, Platform = Platform.Parse("linux/s390x") };
        var index = await StoreIndexAsync(other);

        var act = () => Images.AddAsync(index, [ImageReference.Parse("multi:1")]);

        var thrown = (await act.Should().ThrowAsync<NoMatchingManifestException>()).Which;
        thrown.Available.Should().ContainSingle().Which.ToString().Should().Be("linux/s390x");
        thrown.Message.Should().Contain("no matching manifest for " + Platform.Current);
        (await Images.ListAsync()).Should().BeEmpty();
    }

    private async Task<Descriptor> StoreIndexAsync(params Descriptor[] manifests)
    {
        var bytes = OciSerializer.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = manifests });
        var blob = await _test.Engine.Content.WriteAsync(new MemoryStream(bytes));
        return new Descriptor { MediaType = MediaTypes.OciIndex, Digest = blob.Digest, Size = blob.Size };
    }
}
