using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// <c>images</c> only reads the image store, so it runs none of the engine's recovery passes (issue 15: they were
/// most of its start-up); the next command that acts on the store still runs them before it acts.
/// </summary>
public sealed class ImageListingRecoveryTests : IDisposable
{
    private readonly TempDirectory _root = new("cli-listing");
    private readonly TempDirectory _files = new("cli-listing-files");

    public void Dispose()
    {
        _root.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Images_lists_without_reclaiming_and_the_next_acting_command_reclaims()
    {
        var rootfs = _files.Combine("busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        (await CliRunner.RunAsync(_root.Path, "import", rootfs, "busybox:latest")).ExitCode.Should().Be(0);

        // What a killed blob write leaves: an ingest file nobody holds the lock of.
        var abandoned = Path.Combine(_root.Path, "tmp", "ingest-abandoned");
        await File.WriteAllBytesAsync(abandoned, [1, 2, 3]);

        var images = await CliRunner.RunAsync(_root.Path, "images");
        images.ExitCode.Should().Be(0, images.Stderr);
        images.Stdout.Should().MatchRegex(@"(?m)^busybox\s+latest\s");
        File.Exists(abandoned).Should().BeTrue("a listing runs no recovery pass");

        (await CliRunner.RunAsync(_root.Path, "ps", "-a")).ExitCode.Should().Be(0);
        File.Exists(abandoned).Should().BeFalse("the next engine start reclaims it");
    }

    [Fact]
    public async Task Images_on_a_new_root_lists_nothing()
    {
        var images = await CliRunner.RunAsync(_root.Path, "images", "-q");
        images.ExitCode.Should().Be(0, images.Stderr);
        images.Stdout.Should().BeEmpty();
    }
}
