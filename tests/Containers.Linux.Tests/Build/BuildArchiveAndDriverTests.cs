using Containers.Testing;

namespace Containers.Linux.Tests.Build;

/// <summary>
/// MAINTAINER and ADD of compressed tars (gzip, bzip2, xz) as buildah builds them, and builds on the vfs driver, the
/// engine's fallback where overlay is not available.
/// </summary>
public sealed class BuildArchiveAndDriverTests
{
    [Fact]
    public async Task Maintainer_sets_the_author_and_ADD_unpacks_gzip_bzip2_and_xz_tars_as_buildah_does()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", """
            FROM busybox
            MAINTAINER Jane Doe <jane@example.com>
            ADD files.tar.gz /gz/
            ADD files.tar.bz2 /bz2/
            ADD files.tar.xz /xz/
            ADD notatar.txt.bz2 /plain/
            """);
        var tar = Path.Combine(kit.Context, "files.tar");
        DockerfileCorpusTests.WriteTar(tar);
        await CompressAsync("gzip", tar);
        await CompressAsync("bzip2", tar);
        await CompressAsync("xz", tar);
        kit.Write("notatar.txt", "only text\n");
        await CompressAsync("bzip2", Path.Combine(kit.Context, "notatar.txt"));
        File.Delete(tar);
        File.Delete(Path.Combine(kit.Context, "notatar.txt"));

        var image = await kit.BuildAsync();
        var files = await DockerfileCorpusTests.AssertSameAsBuildahAsync(kit, image);
        foreach (var directory in new[] { "gz", "bz2", "xz" })
        {
            Assert.StartsWith("f 600 1000:1000", files[directory + "/pkg/data.bin"], StringComparison.Ordinal);
        }

        Assert.StartsWith("f ", files["plain/notatar.txt.bz2"], StringComparison.Ordinal);
        Assert.Equal("Jane Doe <jane@example.com>", image.Configuration.Author);
        Assert.Equal((await kit.BuildahImageAsync()).GetProperty("author").GetString(), image.Configuration.Author);
    }

    [Fact]
    public async Task A_multi_stage_build_on_vfs_gives_buildahs_files_and_a_rebuild_is_fully_cached()
    {
        await using var kit = await BuildTestKit.CreateAsync("vfs");
        kit.Write("Dockerfile", """
            FROM busybox AS deps
            RUN mkdir -p /out && echo deps > /out/deps.txt && ln -s deps.txt /out/link && rm /bin/sed

            FROM busybox
            COPY --from=deps /out/ /app/
            COPY app.txt /app/
            RUN rm /bin/vi && mkdir -p /etc/app && echo done > /etc/app/done && chmod 700 /etc/app
            CMD ["cat", "/app/app.txt"]
            """);
        kit.Write("app.txt", "app\n");

        var image = await kit.BuildAsync();
        var again = await kit.BuildAsync();
        Assert.All(kit.Progress.Where(p => p.Output is null && p.Step > 1), p => Assert.True(p.Cached, p.Instruction));
        Assert.Equal(image.Id, again.Id);

        // Compared last: saving our image for umoci removes it again, and with it the blobs the cache points to.
        var files = await DockerfileCorpusTests.AssertSameAsBuildahAsync(kit, image);
        Assert.DoesNotContain("bin/vi", files.Keys);
    }

    private static async Task CompressAsync(string tool, string path)
    {
        var result = await ExternalTool.RunAsync(tool, ["-k", "-f", path]);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }
}
