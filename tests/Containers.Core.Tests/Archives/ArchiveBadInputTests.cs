using System.Formats.Tar;
using System.Text;
using Containers.Archives;
using Containers.Content;
using Containers.Images;
using Containers.Oci;
using Containers.Testing;

namespace Containers.Core.Tests.Archives;

/// <summary>Every kind of bad archive is refused with a typed error and leaves the store exactly as it was.</summary>
public sealed class ArchiveBadInputTests : IAsyncLifetime
{
    private TestEngine _target = null!;
    private byte[] _docker = null!;
    private byte[] _oci = null!;
    private ImageDetails _image = null!;

    public async Task InitializeAsync()
    {
        await using (var source = TestEngine.Create())
        {
            _image = await source.ImportBusyboxAsync("app:1");
            _docker = await SaveAsync(source, ArchiveFormat.DockerArchive);
            _oci = await SaveAsync(source, ArchiveFormat.OciArchive);
        }

        _target = TestEngine.Create();
        await _target.ImportBusyboxAsync("already:here", extraFiles: new Dictionary<string, string> { ["etc/x"] = "x" });
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();

    private static async Task<byte[]> SaveAsync(TestEngine engine, ArchiveFormat format)
    {
        using var buffer = new MemoryStream();
        await engine.Engine.Images.SaveAsync(["app:1"], buffer, format);
        return buffer.ToArray();
    }

    private async Task<TException> LoadFailsAsync<TException>(byte[] archive)
        where TException : Exception
    {
        var before = StoreSnapshot.Take(_target.Root);
        var act = () => _target.Engine.Images.LoadAsync(new MemoryStream(archive));
        var thrown = (await act.Should().ThrowAsync<TException>()).Which;
        StoreSnapshot.Take(_target.Root).Should().BeEquivalentTo(before, "a refused archive leaves the store as it was");
        (await _target.Engine.Images.ListAsync()).Select(i => i.Names.Single().FamiliarName).Should().Equal("already:here");
        return thrown;
    }

    private byte[] Tamper(byte[] archive, Func<List<TarArchive.Entry>, IEnumerable<TarArchive.Entry>> change) =>
        TarArchive.Write(change(TarArchive.Read(archive)));

    private static TarArchive.Entry WithText(TarArchive.Entry entry, Func<string, string> edit) =>
        entry with { Data = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(entry.Data))) };

    [Fact]
    public Task A_truncated_archive() => LoadFailsAsync<InvalidArchiveException>(_docker[..(_docker.Length / 2)]);

    [Fact]
    public Task Random_bytes() => LoadFailsAsync<InvalidArchiveException>(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());

    [Fact]
    public Task An_empty_stream() => LoadFailsAsync<InvalidArchiveException>([]);

    [Fact]
    public async Task A_blob_whose_content_does_not_match_its_digest_name()
    {
        var layer = "blobs/sha256/" + _image.Layers[0].Descriptor.Digest.Encoded;
        var thrown = await LoadFailsAsync<DigestMismatchException>(Tamper(_oci, entries => entries.Select(e => e.Name == layer ? e with { Data = [.. e.Data[..^1], 0x42] } : e)));
        thrown.Expected.Should().Be(_image.Layers[0].Descriptor.Digest);
    }

    [Fact]
    public async Task A_manifest_that_references_a_missing_blob()
    {
        var layer = "blobs/sha256/" + _image.Layers[0].Descriptor.Digest.Encoded;
        var thrown = await LoadFailsAsync<BlobNotFoundException>(Tamper(_oci, entries => entries.Where(e => e.Name != layer)));
        thrown.Digest.Should().Be(_image.Layers[0].Descriptor.Digest);
    }

    [Fact]
    public async Task A_layer_that_does_not_match_the_diff_id_of_its_configuration()
    {
        var layer = _image.Layers[0].DiffId.Encoded + ".tar";
        var extra = TarArchive.Write([new TarArchive.Entry("hello", "hi"u8.ToArray())]);
        await LoadFailsAsync<DigestMismatchException>(Tamper(_docker, entries => entries.Select(e => e.Name == layer ? e with { Data = extra } : e)));
    }

    [Fact]
    public async Task A_docker_manifest_that_names_a_missing_layer()
    {
        var layer = _image.Layers[0].DiffId.Encoded + ".tar";
        var thrown = await LoadFailsAsync<InvalidArchiveException>(Tamper(_docker, entries => entries.Where(e => e.Name != layer)));
        thrown.Message.Should().Contain(layer).And.Contain("not in the archive");
    }

    [Fact]
    public async Task A_huge_manifest()
    {
        var huge = new byte[ContentLimits.MaxManifestSize + 10];
        huge.AsSpan().Fill((byte)' ');
        var digest = Digest.Compute(huge);
        var index = $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{digest}}}","size":{{{huge.Length}}}}]}""";
        var thrown = await LoadFailsAsync<ContentTooLargeException>(TarArchive.Write(
        [
            new TarArchive.Entry("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()),
            new TarArchive.Entry("blobs/sha256/" + digest.Encoded, huge),
            new TarArchive.Entry("index.json", Encoding.UTF8.GetBytes(index)),
        ]));
        thrown.Limit.Should().Be(ContentLimits.MaxManifestSize);
    }

    [Fact]
    public async Task An_entry_of_an_unknown_media_type_that_is_not_a_manifest()
    {
        var blob = "just some text"u8.ToArray();
        var digest = Digest.Compute(blob);
        var index = $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.example.thing","digest":"{{{digest}}}","size":{{{blob.Length}}},"annotations":{"org.opencontainers.image.ref.name":"x/y:1"}}]}""";
        await LoadFailsAsync<InvalidManifestException>(TarArchive.Write(
        [
            new TarArchive.Entry("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()),
            new TarArchive.Entry("blobs/sha256/" + digest.Encoded, blob),
            new TarArchive.Entry("index.json", Encoding.UTF8.GetBytes(index)),
        ]));
    }

    [Fact]
    public async Task A_schema1_manifest()
    {
        var blob = """{"schemaVersion":1,"name":"x","tag":"1","fsLayers":[]}"""u8.ToArray();
        var digest = Digest.Compute(blob);
        var index = $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{MediaTypes.DockerSchema1Signed}}}","digest":"{{{digest}}}","size":{{{blob.Length}}}}]}""";
        await LoadFailsAsync<UnsupportedMediaTypeException>(TarArchive.Write(
        [
            new TarArchive.Entry("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()),
            new TarArchive.Entry("blobs/sha256/" + digest.Encoded, blob),
            new TarArchive.Entry("index.json", Encoding.UTF8.GetBytes(index)),
        ]));
    }

    [Theory]
    [InlineData("../../etc/evil")]
    [InlineData("/etc/evil")]
    [InlineData("blobs/../../evil")]
    public async Task A_member_name_that_leaves_the_archive(string name)
    {
        var thrown = await LoadFailsAsync<InvalidArchiveException>(Tamper(_docker, entries => entries.Append(new TarArchive.Entry(name, "x"u8.ToArray()))));
        thrown.Message.Should().Contain("leaves the archive");
    }

    [Fact]
    public async Task A_link_that_points_outside_the_archive()
    {
        var thrown = await LoadFailsAsync<InvalidArchiveException>(Tamper(_docker, entries => entries.Append(new TarArchive.Entry("evil.tar", [], TarEntryType.SymbolicLink, "../../../etc/shadow"))));
        thrown.Message.Should().Contain("points outside");
    }

    [Fact]
    public async Task A_member_that_appears_twice()
    {
        var thrown = await LoadFailsAsync<InvalidArchiveException>(Tamper(_docker, entries => entries.Append(entries.Single(e => e.Name == "manifest.json"))));
        thrown.Message.Should().Contain("twice");
    }

    [Fact]
    public Task A_malformed_manifest_json() =>
        LoadFailsAsync<InvalidArchiveException>(Tamper(_docker, entries => entries.Select(e => e.Name == "manifest.json" ? WithText(e, t => t[..^3]) : e)));

    [Fact]
    public Task A_manifest_json_with_an_invalid_name() =>
        LoadFailsAsync<InvalidArchiveException>(Tamper(_docker, entries => entries.Select(e => e.Name == "manifest.json" ? WithText(e, t => t.Replace("app:1", "App//1", StringComparison.Ordinal)) : e)));

    [Fact]
    public Task An_archive_without_image_metadata() =>
        LoadFailsAsync<InvalidArchiveException>(TarArchive.Write([new TarArchive.Entry("readme.txt", "hello"u8.ToArray())]));

    [Fact]
    public Task An_index_without_an_oci_layout_file() =>
        LoadFailsAsync<InvalidArchiveException>(Tamper(_oci, entries => entries.Where(e => e.Name != "oci-layout")));

    [Fact]
    public Task A_blob_not_named_by_a_digest() =>
        LoadFailsAsync<InvalidArchiveException>(Tamper(_oci, entries => entries.Append(new TarArchive.Entry("blobs/sha256/not-a-digest", "x"u8.ToArray()))));

    [Fact]
    public async Task A_directory_that_is_not_an_oci_layout()
    {
        using var empty = new TempDirectory();
        var act = () => _target.Engine.Images.LoadLayoutAsync(empty.Path);
        await act.Should().ThrowAsync<InvalidArchiveException>();
    }
}
