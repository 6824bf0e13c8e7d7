using Containers.Build;

namespace Containers.Linux.Tests.Build;

/// <summary>The step cache: a rebuild reuses every step; editing one file reruns from the COPY that takes it; --no-cache reruns all.</summary>
public sealed class BuildCacheTests
{
    [Fact]
    public async Task Rebuild_is_fully_cached_and_an_edited_file_reruns_from_its_copy_on()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", """
            FROM busybox
            ARG FLAVOUR=plain
            COPY first.txt /app/
            RUN cat /app/first.txt > /app/derived && echo "$FLAVOUR" >> /app/derived
            COPY second.txt /app/
            RUN cat /app/second.txt >> /app/derived
            ENV DONE=1
            """);
        kit.Write("first.txt", "one\n");
        kit.Write("second.txt", "two\n");

        var cold = await kit.BuildAsync();
        Assert.DoesNotContain(kit.Progress, p => p.Cached);

        var warm = await kit.BuildAsync();
        Assert.All(kit.Progress.Where(p => p.Output is null && p.Step > 1), p => Assert.True(p.Cached, p.Instruction));
        Assert.Equal(cold.Id, warm.Id);

        kit.Write("second.txt", "changed\n");
        var edited = await kit.BuildAsync();
        var steps = kit.Progress.Where(p => p.Output is null && p.Step > 1).ToDictionary(p => p.Step, p => p.Cached);
        Assert.Equal([true, true, true, false, false, false], steps.OrderBy(s => s.Key).Select(s => s.Value));
        Assert.NotEqual(warm.Id, edited.Id);
        Assert.Equal(warm.Layers.Take(3).Select(l => l.DiffId), edited.Layers.Take(3).Select(l => l.DiffId));

        // A build argument the RUN sees is part of its key.
        await kit.BuildAsync(new BuildOptions { BuildArgs = new Dictionary<string, string> { ["FLAVOUR"] = "spicy" } });
        Assert.False(kit.Progress.Single(p => p.Output is null && p.Step == 4).Cached);

        await kit.BuildAsync(new BuildOptions { NoCache = true });
        Assert.DoesNotContain(kit.Progress, p => p.Cached);
    }

    [Fact]
    public async Task Only_the_stages_the_target_needs_are_built_and_a_failing_step_names_its_line()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", "FROM busybox AS broken\nRUN exit 3\n\nFROM busybox AS good\nRUN echo ok > /ok\n\nFROM good\nRUN cat /ok\n");
        await kit.BuildAsync();
        Assert.DoesNotContain(kit.Progress, p => p.Stage == "broken");

        var failure = await Assert.ThrowsAsync<BuildStepFailedException>(() => kit.BuildAsync(new BuildOptions { Target = "broken" }));
        Assert.Equal(3, failure.ExitCode);
        Assert.Equal(2, failure.Line);
    }
}
