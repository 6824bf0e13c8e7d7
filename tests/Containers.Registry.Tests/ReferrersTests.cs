using System.Text;
using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>Attaching artifacts to images and finding them: the referrers API, and the tag schema where a registry lacks it.</summary>
public sealed class ReferrersTests
{
    private const string Sbom = "application/vnd.example.sbom.v1";
    private const string Signature = "application/vnd.example.signature.v1";

    [Fact]
    public async Task Docker_registry_lacks_the_referrers_api_so_the_tag_schema_holds_them()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var client = ClientEngine.Create();
        var image = await client.ImportAsync("busybox:1");
        var subject = $"{registry.Host}/app/busybox@{image.ManifestDescriptor.Digest}";
        await client.Registry.PushAsync("busybox:1", $"{registry.Host}/app/busybox:1");
        (await client.Registry.ListReferrersAsync(subject)).Should().BeEmpty();

        var sbom = await client.Registry.AttachArtifactAsync($"{registry.Host}/app/busybox:1", Sbom, "{\"packages\":[]}"u8.ToArray(), "application/json", new Dictionary<string, string> { ["org.example.kind"] = "sbom" });
        var signature = await client.Registry.AttachArtifactAsync(subject, Signature, "signed"u8.ToArray(), "application/octet-stream");
        (await client.Registry.AttachArtifactAsync(subject, Signature, "signed"u8.ToArray(), "application/octet-stream")).Digest.Should().Be(signature.Digest);

        var all = await client.Registry.ListReferrersAsync(subject);
        all.Select(d => d.Digest).Should().Equal(sbom.Digest, signature.Digest);
        all[0].ArtifactType.Should().Be(Sbom);
        all[0].GetAnnotation("org.example.kind").Should().Be("sbom");
        (await client.Registry.ListReferrersAsync($"{registry.Host}/app/busybox:1", Signature)).Should().ContainSingle().Which.Digest.Should().Be(signature.Digest);

        // The fallback is the spec's tag schema, readable by other tools; the artifact names its subject.
        var tag = "sha256-" + image.ManifestDescriptor.Digest.Encoded;
        (await client.Registry.ListTagsAsync($"{registry.Host}/app/busybox")).Should().BeEquivalentTo("1", tag);
        var index = JsonNode.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/app/busybox:{tag}"))!;
        index["manifests"]!.AsArray().Should().HaveCount(2);
        var artifact = JsonNode.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/app/busybox@{signature.Digest}"))!;
        artifact["subject"]!["digest"]!.GetValue<string>().Should().Be(image.ManifestDescriptor.Digest.ToString());
        artifact["artifactType"]!.GetValue<string>().Should().Be(Signature);
    }

    [Fact]
    public async Task A_registry_with_the_referrers_api_is_asked_and_no_fallback_tag_is_written()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var proxy = new FaultProxy(registry.BaseUri) { Referrers = new ReferrersEmulation() };
        await using var client = ClientEngine.Create();
        var image = await client.ImportAsync("busybox:1");
        await client.Registry.PushAsync("busybox:1", $"{proxy.Host}/app/busybox:1");
        var subject = $"{proxy.Host}/app/busybox@{image.ManifestDescriptor.Digest}";

        var sbom = await client.Registry.AttachArtifactAsync(subject, Sbom, Encoding.UTF8.GetBytes("{}"), "application/json");
        var signature = await client.Registry.AttachArtifactAsync(subject, Signature, "signed"u8.ToArray(), "application/octet-stream");

        (await client.Registry.ListReferrersAsync(subject)).Select(d => d.Digest).Should().Equal(sbom.Digest, signature.Digest);
        (await client.Registry.ListReferrersAsync(subject, Sbom)).Should().ContainSingle().Which.ArtifactType.Should().Be(Sbom);
        proxy.Referrers.Queries.Should().Be(2);
        (await client.Registry.ListTagsAsync($"{registry.Host}/app/busybox")).Should().Equal("1");
    }

    [Fact]
    public async Task Attaching_to_a_missing_image_or_without_an_artifact_type_is_refused()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var client = ClientEngine.Create();
        var missing = () => client.Registry.AttachArtifactAsync($"{registry.Host}/app/none:1", Sbom, "{}"u8.ToArray(), "application/json");
        await missing.Should().ThrowAsync<ManifestUnknownException>();
        var untyped = () => client.Registry.AttachArtifactAsync($"{registry.Host}/app/none:1", " ", "{}"u8.ToArray(), "application/json");
        await untyped.Should().ThrowAsync<ArgumentException>();
        var list = () => client.Registry.ListReferrersAsync($"{registry.Host}/app/none:1");
        await list.Should().ThrowAsync<ManifestUnknownException>();
    }
}
