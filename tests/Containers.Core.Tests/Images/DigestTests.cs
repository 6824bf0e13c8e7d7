using System.Text;
using Containers.Images;

namespace Containers.Core.Tests.Images;

public sealed class DigestTests
{
    private const string HelloSha256 = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Fact]
    public void Compute_hashes_bytes_as_sha256_by_default()
    {
        Digest.Compute("hello"u8).ToString().Should().Be(HelloSha256);
    }

    [Fact]
    public void Compute_supports_sha512()
    {
        var digest = Digest.Compute("hello"u8, DigestAlgorithm.Sha512);
        digest.Algorithm.Should().Be(DigestAlgorithm.Sha512);
        digest.Encoded.Should().HaveLength(128);
        Digest.Parse(digest.ToString()).Should().Be(digest);
    }

    [Fact]
    public async Task ComputeAsync_matches_Compute()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('x', 300_000));
        (await Digest.ComputeAsync(new MemoryStream(bytes))).Should().Be(Digest.Compute(bytes));
    }

    [Fact]
    public void Parse_round_trips_and_compares_by_value()
    {
        var digest = Digest.Parse(HelloSha256);
        digest.ToString().Should().Be(HelloSha256);
        digest.ShortId.Should().Be("2cf24dba5fb0");
        (digest == Digest.Parse(HelloSha256)).Should().BeTrue();
        digest.GetHashCode().Should().Be(Digest.Parse(HelloSha256).GetHashCode());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("sha256", "algorithm:hex")]
    [InlineData(":abc", "algorithm:hex")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported digest algorithm 'md5'")]
    [InlineData("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824", "lowercase")]
    [InlineData("sha256:2cf24dba", "64 hexadecimal characters, not 8")]
    [InlineData("sha512:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "128 hexadecimal characters")]
    [InlineData("sha256:../../../../etc/passwd000000000000000000000000000000000000000000", "lowercase hexadecimal")]
    [InlineData("sha256:zzf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "lowercase hexadecimal")]
    public void Parse_rejects_malformed_digests_naming_the_problem(string text, string expected)
    {
        var act = () => Digest.Parse(text);
        act.Should().Throw<InvalidDigestException>().Which.Message.Should().Contain(expected);
        Digest.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public async Task VerifyingReadStream_passes_matching_content()
    {
        var stream = new VerifyingReadStream(new MemoryStream("hello"u8.ToArray()), Digest.Parse(HelloSha256), 5);
        (await new StreamReader(stream).ReadToEndAsync()).Should().Be("hello");
    }

    [Fact]
    public async Task VerifyingReadStream_throws_at_end_when_content_differs()
    {
        var stream = new VerifyingReadStream(new MemoryStream("hellO"u8.ToArray()), Digest.Parse(HelloSha256));
        var act = () => stream.CopyToAsync(Stream.Null);
        (await act.Should().ThrowAsync<DigestMismatchException>()).Which.Expected.ToString().Should().Be(HelloSha256);
    }

    [Fact]
    public async Task VerifyingReadStream_throws_as_soon_as_content_runs_past_the_size()
    {
        var stream = new VerifyingReadStream(new MemoryStream(new byte[100]), Digest.Parse(HelloSha256), 5);
        var act = () => stream.CopyToAsync(Stream.Null);
        (await act.Should().ThrowAsync<DigestMismatchException>()).Which.ExpectedSize.Should().Be(5);
    }

    [Fact]
    public void DigestVerifier_reports_short_content_as_size_mismatch()
    {
        using var verifier = new DigestVerifier();
        verifier.Append("hell"u8);
        var act = () => verifier.Verify(Digest.Parse(HelloSha256), 5);
        act.Should().Throw<DigestMismatchException>().Which.ActualSize.Should().Be(4);
    }
}
