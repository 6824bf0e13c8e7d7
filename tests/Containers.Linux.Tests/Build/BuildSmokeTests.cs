using Containers.Build;

namespace Containers.Linux.Tests.Build;

public sealed class BuildSmokeTests
{
    [Fact]
    public async Task Simple_build_matches_buildah()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", """
            FROM busybox
            ENV GREETING=hello
            WORKDIR /app
            COPY a.txt ./
            RUN echo "$GREETING" > /app/out.txt && rm /etc/group
            CMD ["cat", "/app/out.txt"]
            """);
        kit.Write("a.txt", "a\n");
        var image = await kit.BuildAsync();
        var ours = await kit.FilesAsync(await kit.SaveOursAsync(image));
        var theirs = await kit.FilesAsync(await kit.BuildWithBuildahAsync());
        BuildTestKit.AssertSameFiles(theirs, ours);
    }
}
