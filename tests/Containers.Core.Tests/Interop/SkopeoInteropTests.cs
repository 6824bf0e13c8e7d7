using System.Text.Json;
using Containers.Archives;
using Containers.Images;
using Containers.Testing;

namespace Containers.Core.Tests.Interop;

/// <summary>skopeo (containers/image) reads the store's OCI layout as it is, and we read what skopeo writes.</summary>
public sealed class SkopeoInteropTests : IAsyncLifetime
{
    private readonly TempDirectory _scratch = new("skopeo");
    private TestEngine _test = null!;
    private ImageDetails _image = null!;

    private string Layout => Path.Combine(_test.Root, "content");

    public async Task InitializeAsync()
    {
        _test = TestEngine.Create();
        _image = await _test.ImportBusyboxAsync("localhost:5000/interop/busybox:1");
    }

    public async Task DisposeAsync()
    {
        await _test.DisposeAsync();
        _scratch.Dispose();
    }

    [Fact]
    public async Task Skopeo_inspects_an_image_in_the_store_by_its_name()
    {
        var json = await ExternalTool.RunCheckedAsync("skopeo", "inspect", $"oci:{Layout}:localhost:5000/interop/busybox:1");

        using var inspected = JsonDocument.Parse(json);
        inspected.RootElement.GetProperty("Digest").GetString().Should().Be(_image.ManifestDescriptor.Digest.ToString());
        inspected.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString())
            .Should().Equal(_image.Manifest.Layers.Select(l => l.Digest.ToString()));
    }

    [Fact]
    public async Task Skopeo_copies_from_the_store_to_a_fresh_layout_and_we_load_it_back()
    {
        var copy = _scratch.Combine("layout");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", $"oci:{Layout}:localhost:5000/interop/busybox:1", $"oci:{copy}:copied");

        await using var other = TestEngine.Create();
        var loaded = await other.Engine.Images.LoadLayoutAsync(copy);

        loaded.Should().ContainSingle().Which.Id.Should().Be(_image.Id);
        loaded[0].Names.Should().BeEmpty("skopeo writes a bare tag, which names no repository");
    }

    [Theory]
    [InlineData("docker-archive")]
    [InlineData("oci-archive")]
    public async Task We_load_the_archives_skopeo_writes(string transport)
    {
        var archive = _scratch.Combine(transport + ".tar");
        await ExternalTool.RunCheckedAsync("skopeo", "copy", $"oci:{Layout}:localhost:5000/interop/busybox:1", $"{transport}:{archive}:example.com/app:2");

        await using var other = TestEngine.Create();
        await using var stream = File.OpenRead(archive);
        var loaded = (await other.Engine.Images.LoadAsync(stream)).Should().ContainSingle().Which;

        loaded.Names.Select(n => n.ToString()).Should().Equal("example.com/app:2");
        loaded.Layers.Select(l => l.DiffId).Should().Equal(_image.Layers.Select(l => l.DiffId));
        if (transport == "docker-archive")
        {
            loaded.Id.Should().Be(_image.Id, "docker-archive keeps the configuration bytes");
        }
    }

    [Theory]
    [InlineData(ArchiveFormat.DockerArchive, "docker-archive")]
    [InlineData(ArchiveFormat.OciArchive, "oci-archive")]
    public async Task Skopeo_reads_the_archives_we_write(ArchiveFormat format, string transport)
    {
        var archive = _scratch.Combine(transport + "-ours.tar");
        await using (var file = File.Create(archive))
        {
            await _test.Engine.Images.SaveAsync(["localhost:5000/interop/busybox:1"], file, format);
        }

        var reference = format == ArchiveFormat.OciArchive ? $"{transport}:{archive}:localhost:5000/interop/busybox:1" : $"{transport}:{archive}";
        var copy = _scratch.Combine("from-" + transport);
        await ExternalTool.RunCheckedAsync("skopeo", "copy", reference, $"oci:{copy}:x");

        using var inspected = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--config", $"oci:{copy}:x"));
        inspected.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString())
            .Should().Equal(_image.Layers.Select(l => l.DiffId.ToString()));
    }
}
