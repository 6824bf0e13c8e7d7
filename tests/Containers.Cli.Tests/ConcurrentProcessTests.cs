using Containers.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>Two real processes changing one store at once never corrupt it or lose an update.</summary>
public sealed class ConcurrentProcessTests
{
    [Fact]
    public async Task Two_processes_importing_and_tagging_at_once_lose_nothing()
    {
        using var root = new TempDirectory("cli-concurrent");
        using var files = new TempDirectory("cli-concurrent-files");
        var rootfs = new[] { "a", "b" }.Select(n => files.Combine(n + ".tar")).ToArray();
        for (var i = 0; i < 2; i++)
        {
            await File.WriteAllBytesAsync(rootfs[i], await TestImages.BusyboxRootfsAsync(new Dictionary<string, string> { ["etc/who"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }

        async Task Worker(int n)
        {
            var import = await CliRunner.RunProcessAsync(root.Path, "import", rootfs[n], $"worker{n}:base");
            import.ExitCode.Should().Be(0, import.Stderr);
            for (var i = 0; i < 8; i++)
            {
                var tag = await CliRunner.RunProcessAsync(root.Path, "tag", $"worker{n}:base", $"worker{n}:t{i}");
                tag.ExitCode.Should().Be(0, tag.Stderr);
            }
        }

        await Task.WhenAll(Worker(0), Worker(1));

        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = root.Path });
        var images = await engine.Images.ListAsync();
        images.Should().HaveCount(2);
        images.SelectMany(i => i.Names).Should().HaveCount(18);
        Directory.EnumerateFiles(Path.Combine(root.Path, "tmp")).Should().BeEmpty();
    }
}
