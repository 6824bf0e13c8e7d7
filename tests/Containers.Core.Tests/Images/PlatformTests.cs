using Containers.Images;
using Containers.Oci;

namespace Containers.Core.Tests.Images;

public sealed class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/aarch64", "linux/arm64/v8")]
    [InlineData("linux/arm64", "linux/arm64/v8")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/arm/6", "linux/arm/v6")]
    [InlineData("Linux/AMD64", "linux/amd64")]
    public void Parse_normalises_aliases(string text, string expected)
    {
        Platform.Parse(text).ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("linux/amd64/v1/extra")]
    [InlineData("linux//v7")]
    public void Parse_rejects_malformed_platforms(string text)
    {
        var act = () => Platform.Parse(text);
        act.Should().Throw<FormatException>().WithMessage("*os/architecture*");
    }

    [Theory]
    [InlineData("linux/amd64", "linux/amd64", true)]
    [InlineData("linux/amd64", "linux/arm64", false)]
    [InlineData("linux/amd64", "windows/amd64", false)]
    [InlineData("linux/arm64/v8", "linux/arm64", true)]
    [InlineData("linux/arm/v7", "linux/arm/v6", false)]
    public void Matches_compares_os_architecture_and_variant(string wanted, string candidate, bool matches)
    {
        Platform.Parse(wanted).Matches(Platform.Parse(candidate)).Should().Be(matches);
    }

    [Fact]
    public void PlatformSelector_prefers_matching_manifests_and_skips_attestations()
    {
        Descriptor Manifest(string? platform, char fill, string? annotation = null) => new()
        {
            MediaType = MediaTypes.OciManifest,
            Digest = Digest.Parse("sha256:" + new string(fill, 64)),
            Size = 1,
            Platform = platform is null ? null : Platform.Parse(platform),
            Annotations = annotation is null ? null : new Dictionary<string, string> { ["vnd.docker.reference.type"] = annotation },
        };
        var arm = Manifest("linux/arm64", 'a');
        var amd = Manifest("linux/amd64", 'b');
        var unknown = Manifest(null, 'c');
        var attestation = Manifest(null, 'd', "attestation-manifest");

        var ordered = PlatformSelector.Order([arm, attestation, unknown, amd], Platform.Parse("linux/amd64")).ToList();

        ordered.Should().Equal(amd, unknown);
    }
}
