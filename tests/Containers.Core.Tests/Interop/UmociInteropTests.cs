using Containers.Testing;

namespace Containers.Core.Tests.Interop;

/// <summary>umoci unpacks what we export into a runtime bundle.</summary>
public sealed class UmociInteropTests
{
    [Fact]
    public async Task Umoci_unpacks_an_exported_layout()
    {
        await using var test = TestEngine.Create();
        using var scratch = new TempDirectory("umoci");
        await test.ImportBusyboxAsync("app:1", changes: ["CMD [\"/bin/echo\", \"hi\"]"]);
        var layout = scratch.Combine("layout");
        await test.Engine.Images.SaveLayoutAsync(["app:1"], layout);

        await ExternalTool.RunCheckedAsync("umoci", "unpack", "--image", $"{layout}:docker.io/library/app:1", scratch.Combine("bundle"));

        File.Exists(scratch.Combine("bundle", "rootfs", "bin", "busybox")).Should().BeTrue();
        new FileInfo(scratch.Combine("bundle", "rootfs", "bin", "sh")).LinkTarget.Should().Be("busybox");
        File.ReadAllText(scratch.Combine("bundle", "config.json")).Should().Contain("\"/bin/echo\"");
    }
}
