using System.Text;
using Containers.Images;
using Containers.Oci;

namespace Containers.Core.Tests.Oci;

public sealed class OciSerializerTests
{
    private const string D1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string D2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static string ManifestJson(string mediaType = MediaTypes.OciManifest) =>
        $$$"""{"schemaVersion":2,"mediaType":"{{{mediaType}}}","config":{"mediaType":"{{{MediaTypes.OciConfig}}}","digest":"{{{D1}}}","size":10},"layers":[{"mediaType":"{{{MediaTypes.OciLayerGzip}}}","digest":"{{{D2}}}","size":20,"annotations":{"a":"b"}}]}""";

    [Fact]
    public void ReadManifest_reads_oci_and_docker_manifests()
    {
        var manifest = OciSerializer.ReadManifest(Json(ManifestJson()));
        manifest.Config.Digest.ToString().Should().Be(D1);
        manifest.Layers.Should().ContainSingle().Which.GetAnnotation("a").Should().Be("b");
        OciSerializer.ReadManifest(Json(ManifestJson(MediaTypes.DockerManifest))).MediaType.Should().Be(MediaTypes.DockerManifest);
    }

    [Fact]
    public void Serialize_round_trips_a_manifest()
    {
        var manifest = OciSerializer.ReadManifest(Json(ManifestJson()));
        OciSerializer.ReadManifest(OciSerializer.Serialize(manifest)).Should().BeEquivalentTo(manifest);
    }

    [Fact]
    public void ReadManifest_refuses_schema1()
    {
        var act = () => OciSerializer.ReadManifest(Json("""{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}"""));
        act.Should().Throw<UnsupportedMediaTypeException>().WithMessage("*schema 1*");
    }

    [Fact]
    public void ReadManifest_refuses_an_index_media_type()
    {
        var act = () => OciSerializer.ReadManifest(Json(ManifestJson(MediaTypes.OciIndex)));
        act.Should().Throw<UnsupportedMediaTypeException>().Which.MediaType.Should().Be(MediaTypes.OciIndex);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"layers":[]}""", "config")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1}}""", "layers")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:abc","size":1},"layers":[]}""", "digest")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":-1},"layers":[]}""", "non-negative")]
    [InlineData("""{"schemaVersion":3,"config":{"mediaType":"x","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1},"layers":[]}""", "schemaVersion is 3")]
    [InlineData("""not json""", "invalid")]
    [InlineData("""{"schemaVersion":2,"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1},"layers":[]}""", "duplicate")]
    public void ReadManifest_rejects_malformed_manifests(string json, string expected)
    {
        var act = () => OciSerializer.ReadManifest(Json(json));
        act.Should().Throw<InvalidManifestException>().Which.Message.Should().ContainEquivalentOf(expected);
    }

    [Fact]
    public void ReadManifest_refuses_oversized_documents_before_parsing()
    {
        var huge = new byte[ContentLimits.MaxManifestSize + 1];
        var act = () => OciSerializer.ReadManifest(huge);
        act.Should().Throw<ContentTooLargeException>().Which.Limit.Should().Be(ContentLimits.MaxManifestSize);
    }

    [Fact]
    public void ReadIndex_reads_platforms()
    {
        var index = OciSerializer.ReadIndex(Json($$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.DockerManifestList}}}","manifests":[{"mediaType":"{{{MediaTypes.DockerManifest}}}","digest":"{{{D1}}}","size":5,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}"""));
        index.Manifests.Single().Platform!.ToString().Should().Be("linux/arm64/v8");
    }

    [Fact]
    public void ReadConfiguration_keeps_unknown_fields_and_reads_docker_extensions()
    {
        var json = $$$$"""{"architecture":"amd64","os":"linux","container_config":{"Hostname":"x"},"config":{"Env":["A=1"],"Healthcheck":{"Test":["CMD","true"],"Interval":1000000000,"Retries":3},"ExposedPorts":{"80/tcp":{}},"Volumes":{"/data":{}}},"rootfs":{"type":"layers","diff_ids":["{{{{D1}}}}"]},"history":[{"created_by":"x","empty_layer":true}]}""";
        var config = OciSerializer.ReadConfiguration(Json(json));
        config.Config!.Healthcheck!.Retries.Should().Be(3);
        config.Config.ExposedPorts.Should().ContainKey("80/tcp");
        config.History!.Single().EmptyLayer.Should().BeTrue();
        Encoding.UTF8.GetString(OciSerializer.Serialize(config)).Should().Contain("container_config");
    }

    [Fact]
    public void ReadConfiguration_requires_rootfs()
    {
        var act = () => OciSerializer.ReadConfiguration(Json("""{"architecture":"amd64","os":"linux"}"""));
        act.Should().Throw<InvalidManifestException>().Which.Document.Should().Be("image configuration");
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", MediaTypes.OciIndex)]
    [InlineData("""{"schemaVersion":2,"config":{},"layers":[]}""", MediaTypes.OciManifest)]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}""", MediaTypes.DockerManifestList)]
    [InlineData("""{"schemaVersion":1}""", MediaTypes.DockerSchema1)]
    public void DetectMediaType_uses_the_field_or_the_shape(string json, string expected)
    {
        OciSerializer.DetectMediaType(Json(json)).Should().Be(expected);
    }

    [Fact]
    public void Digest_fields_must_be_valid_digests()
    {
        var act = () => OciSerializer.ReadIndex(Json("""{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"md5:abc","size":1}]}"""));
        act.Should().Throw<InvalidManifestException>().Which.Message.Should().Contain("md5:abc");
    }

    [Theory]
    [InlineData(MediaTypes.OciLayerGzip, LayerCompression.Gzip)]
    [InlineData(MediaTypes.DockerLayerGzip, LayerCompression.Gzip)]
    [InlineData(MediaTypes.OciLayerZstd, LayerCompression.Zstd)]
    [InlineData(MediaTypes.OciLayer, LayerCompression.None)]
    public void MediaTypes_classify_layers(string mediaType, LayerCompression compression)
    {
        MediaTypes.TryGetLayerCompression(mediaType, out var found).Should().BeTrue();
        found.Should().Be(compression);
        MediaTypes.IsLayer("application/vnd.example.unknown").Should().BeFalse();
    }
}
