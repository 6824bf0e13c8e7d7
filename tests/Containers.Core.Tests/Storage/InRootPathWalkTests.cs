using Containers.Storage;
using Containers.Testing;

namespace Containers.Core.Tests.Storage;

/// <summary>The one in-root walk behind host-directory, image-index and mount-point resolution, over a table of links.</summary>
public sealed class InRootPathWalkTests
{
    private static readonly Dictionary<string, string> Links = new(StringComparer.Ordinal)
    {
        ["bin"] = "usr/bin",
        ["etc/passwd"] = "../../../../host/etc/passwd",
        ["abs"] = "/usr/lib",
        ["usr/lib/last"] = "target",
        ["loop"] = "loop",
        ["empty"] = string.Empty,
    };

    private static string? ReadLink(string path) => Links.GetValueOrDefault(path);

    [Theory]
    [InlineData("/bin/sh", "usr/bin/sh")]
    [InlineData("bin/../etc", "usr/etc")]
    [InlineData("/../../x", "x")]
    [InlineData("/etc/passwd", "host/etc/passwd")]
    [InlineData("/abs/x", "usr/lib/x")]
    [InlineData("/usr/abs/x", "usr/abs/x")]
    [InlineData("/abs/last", "usr/lib/target")]
    [InlineData("/empty/x", "x")]
    [InlineData("/", "")]
    [InlineData("./a/./b", "a/b")]
    public void Links_are_followed_without_leaving_the_root(string path, string expected) =>
        InRootPath.Walk(path, ReadLink).Should().Be(expected);

    [Fact]
    public void The_last_link_is_kept_when_asked()
    {
        InRootPath.Walk("/abs/last", ReadLink, followLast: false).Should().Be("usr/lib/last");
        InRootPath.Walk("/bin", ReadLink, followLast: false).Should().Be("bin");
    }

    [Fact]
    public void A_link_loop_gives_null_after_forty_links()
    {
        var reads = 0;
        InRootPath.Walk("/loop/x", p => { reads++; return ReadLink(p); }).Should().BeNull();
        reads.Should().Be(41);
    }

    [Fact]
    public void Resolve_stays_inside_a_real_root()
    {
        using var root = new TempDirectory("walk");
        Directory.CreateDirectory(root.Combine("usr", "bin"));
        File.CreateSymbolicLink(root.Combine("bin"), "/usr/bin");
        File.CreateSymbolicLink(root.Combine("up"), "../../..");

        InRootPath.Resolve(root.Path, "/bin/sh").Should().Be(root.Combine("usr", "bin", "sh"));
        InRootPath.Resolve(root.Path, "/up").Should().Be(root.Path);
    }
}
