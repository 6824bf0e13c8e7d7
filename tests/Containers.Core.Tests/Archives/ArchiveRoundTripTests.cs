using System.IO.Compression;
using Containers.Archives;
using Containers.Testing;

namespace Containers.Core.Tests.Archives;

public sealed class ArchiveRoundTripTests : IAsyncLifetime
{
    private TestEngine _source = null!;
    private TestEngine _target = null!;

    public Task InitializeAsync()
    {
        _source = TestEngine.Create();
        _target = TestEngine.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Theory]
    [InlineData(ArchiveFormat.DockerArchive)]
    [InlineData(ArchiveFormat.OciArchive)]
    public async Task Save_then_load_gives_the_same_image_with_its_names(ArchiveFormat format)
    {
        var image = await _source.ImportBusyboxAsync("app:1");
        await _source.Engine.Images.TagAsync("app:1", "localhost:5000/app:2");
        using var archive = new MemoryStream();

        await _source.Engine.Images.SaveAsync([image.Id.ShortId], archive, format);
        archive.Position = 0;
        var loaded = await _target.Engine.Images.LoadAsync(archive);

        loaded.Should().ContainSingle().Which.Id.Should().Be(image.Id);
        loaded[0].Names.Select(n => n.FamiliarName).Should().BeEquivalentTo("app:1", "localhost:5000/app:2");
        (await _target.Engine.Images.InspectAsync("localhost:5000/app:2")).Layers.Select(l => l.DiffId)
            .Should().Equal(image.Layers.Select(l => l.DiffId));
    }

    [Fact]
    public async Task A_docker_archive_repacked_by_tar_with_dot_slash_names_loads()
    {
        // tar -C dir -cf x.tar . names every member ./... and starts with ./ itself; podman loads such archives.
        var image = await _source.ImportBusyboxAsync("app:1");
        using var directory = new TempDirectory("repack");
        var saved = Path.Combine(directory.Path, "saved.tar");
        await using (var file = File.Create(saved))
        {
            await _source.Engine.Images.SaveAsync(["app:1"], file, ArchiveFormat.DockerArchive);
        }

        var layout = Directory.CreateDirectory(Path.Combine(directory.Path, "layout")).FullName;
        await ExternalTool.RunCheckedAsync("tar", "-C", layout, "-xf", saved);
        var repacked = Path.Combine(directory.Path, "repacked.tar");
        await ExternalTool.RunCheckedAsync("tar", "-C", layout, "-cf", repacked, ".");

        await using var archive = File.OpenRead(repacked);
        var loaded = await _target.Engine.Images.LoadAsync(archive);

        loaded.Should().ContainSingle().Which.Id.Should().Be(image.Id);
        loaded[0].Names.Select(n => n.FamiliarName).Should().Equal("app:1");
    }

    [Fact]
    public async Task Saving_by_name_keeps_only_that_name()
    {
        await _source.ImportBusyboxAsync("app:1");
        await _source.Engine.Images.TagAsync("app:1", "app:2");
        using var archive = new MemoryStream();

        await _source.Engine.Images.SaveAsync(["app:2"], archive, ArchiveFormat.DockerArchive);
        archive.Position = 0;

        (await _target.Engine.Images.LoadAsync(archive)).Single().Names.Select(n => n.FamiliarName).Should().Equal("app:2");
    }

    [Fact]
    public async Task Docker_archives_hold_uncompressed_layers_named_by_diff_id()
    {
        using var rootfs = new MemoryStream();
        await using (var gzip = new GZipStream(rootfs, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(await TestImages.BusyboxRootfsAsync());
        }

        rootfs.Position = 0;
        var image = await _source.Engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "zipped:1" });
        using var archive = new MemoryStream();

        await _source.Engine.Images.SaveAsync(["zipped:1"], archive, ArchiveFormat.DockerArchive);

        var entries = TarArchive.Read(archive.ToArray()).Select(e => e.Name).ToList();
        entries.Should().BeEquivalentTo(image.Id.Encoded + ".json", image.Layers[0].DiffId.Encoded + ".tar", "manifest.json", "repositories");
        archive.Position = 0;
        (await _target.Engine.Images.LoadAsync(archive)).Single().Id.Should().Be(image.Id);
    }

    [Fact]
    public async Task A_gzip_compressed_archive_loads()
    {
        await _source.ImportBusyboxAsync("app:1");
        using var archive = new MemoryStream();
        await using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        {
            await _source.Engine.Images.SaveAsync(["app:1"], gzip, ArchiveFormat.DockerArchive);
        }

        archive.Position = 0;
        (await _target.Engine.Images.LoadAsync(archive)).Should().ContainSingle();
    }

    [Fact]
    public async Task Docker_save_archives_with_linked_duplicate_layers_load()
    {
        // docker save writes a repeated layer once and links the other occurrences to it.
        await _source.ImportBusyboxAsync("app:1");
        using var saved = new MemoryStream();
        await _source.Engine.Images.SaveAsync(["app:1"], saved, ArchiveFormat.DockerArchive);
        var entries = TarArchive.Read(saved.ToArray());
        var layer = entries.Single(e => e.Name.EndsWith(".tar", StringComparison.Ordinal));
        var renamed = entries.Select(e => e == layer ? e with { Name = "abc/layer.tar" } : e).ToList();
        renamed.Add(new TarArchive.Entry("def/layer.tar", [], System.Formats.Tar.TarEntryType.SymbolicLink, "../abc/layer.tar"));
        var manifest = System.Text.Encoding.UTF8.GetString(entries.Single(e => e.Name == "manifest.json").Data).Replace(layer.Name, "def/layer.tar", StringComparison.Ordinal);
        renamed = renamed.Select(e => e.Name == "manifest.json" ? e with { Data = System.Text.Encoding.UTF8.GetBytes(manifest) } : e).ToList();

        (await _target.Engine.Images.LoadAsync(new MemoryStream(TarArchive.Write(renamed)))).Single().Names.Single().FamiliarName.Should().Be("app:1");
    }

    [Fact]
    public async Task SaveLayout_then_LoadLayout_round_trips_and_merges_into_an_existing_layout()
    {
        using var layout = new TempDirectory();
        var one = await _source.ImportBusyboxAsync("one:1");
        var two = await _source.ImportBusyboxAsync("two:1", extraFiles: new Dictionary<string, string> { ["etc/two"] = "2" });

        await _source.Engine.Images.SaveLayoutAsync(["one:1"], layout.Path);
        await _source.Engine.Images.SaveLayoutAsync(["two:1"], layout.Path);
        var loaded = await _target.Engine.Images.LoadLayoutAsync(layout.Path);

        loaded.Select(i => i.Id).Should().BeEquivalentTo([one.Id, two.Id]);
        Directory.EnumerateFiles(layout.Combine("blobs", "sha256")).Should().NotContain(f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
