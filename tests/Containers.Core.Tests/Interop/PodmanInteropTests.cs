using Containers.Archives;
using Containers.Testing;

namespace Containers.Core.Tests.Interop;

/// <summary>podman loads what we save, and we load what podman saves, in its own scratch storage.</summary>
public sealed class PodmanInteropTests : IAsyncLifetime
{
    private readonly TempDirectory _scratch = TempDirectory.ShortPath("podman"); // podman limits the runroot path to 50 characters
    private TestEngine _test = null!;

    public Task InitializeAsync()
    {
        _test = TestEngine.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _test.DisposeAsync();
        await ExternalTool.RunAsync("podman", [.. Isolated(), "system", "reset", "--force"]);
        _scratch.Dispose();
    }

    private string[] Isolated() =>
        ["--root", _scratch.Combine("root"), "--runroot", _scratch.Combine("run"), "--storage-driver", "vfs", "--events-backend", "none", "--tmpdir", _scratch.Combine("tmp")];

    private Task<string> Podman(params string[] arguments) => ExternalTool.RunCheckedAsync("podman", [.. Isolated(), .. arguments]);

    [Theory]
    [InlineData("docker-archive")]
    [InlineData("oci-archive")]
    public async Task Podman_loads_our_archive_and_we_load_podmans(string format)
    {
        var image = await _test.ImportBusyboxAsync("example.com/app:1");
        var ours = _scratch.Combine("ours.tar");
        await using (var file = File.Create(ours))
        {
            await _test.Engine.Images.SaveAsync(["example.com/app:1"], file, format == "oci-archive" ? ArchiveFormat.OciArchive : ArchiveFormat.DockerArchive);
        }

        (await Podman("load", "-i", ours)).Should().Contain("example.com/app:1");
        var theirs = _scratch.Combine("theirs.tar");
        await Podman("save", "--format", format, "-o", theirs, "example.com/app:1");

        await using var other = TestEngine.Create();
        await using var stream = File.OpenRead(theirs);
        var loaded = (await other.Engine.Images.LoadAsync(stream)).Should().ContainSingle().Which;
        loaded.Names.Select(n => n.ToString()).Should().Equal("example.com/app:1");
        loaded.Layers.Select(l => l.DiffId).Should().Equal(image.Layers.Select(l => l.DiffId));
    }
}
