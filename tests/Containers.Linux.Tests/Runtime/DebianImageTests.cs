using Containers.Containers;
using Containers.Images;

namespace Containers.Linux.Tests.Runtime;

/// <summary>A real distribution (a debootstrap'd Debian): dynamically linked programs, its users and groups, its shell.</summary>
public sealed class DebianImageTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ContainerCreateOptions options)
    {
        if ((await fixture.Test.Engine.Images.ListAsync()).All(i => i.Names.All(n => n.FamiliarName != "debian:bookworm")))
        {
            await using var rootfs = File.OpenRead(Testing.TestImages.DebianRootfsPath);
            await fixture.Test.Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = "debian:bookworm" });
        }

        return await fixture.RunAsync(options);
    }

    [Fact]
    public async Task Dynamically_linked_programs_run_with_the_images_libraries()
    {
        var (exit, stdout, stderr) = await RunAsync(new ContainerCreateOptions { Image = "debian:bookworm", Command = ["bash", "-c", "cat /etc/debian_version; dpkg-query -W -f='${Package}\\n' bash; ls -l /proc/self/exe"] });

        exit.Should().Be(0, stderr);
        stdout.Should().MatchRegex(@"^12\.\d+\nbash\n").And.Contain("/proc/self/exe -> /usr/bin/ls");
    }

    [Fact]
    public async Task Users_and_groups_come_from_the_images_own_files()
    {
        var (exit, stdout, stderr) = await RunAsync(new ContainerCreateOptions { Image = "debian:bookworm", User = "nobody", Command = ["sh", "-c", "id; echo $HOME; touch /root/x 2>&1 || true"] });

        exit.Should().Be(0, stderr);
        stdout.Should().StartWith("uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n/nonexistent\n").And.Contain("Permission denied");

        var (_, daemon, _) = await RunAsync(new ContainerCreateOptions { Image = "debian:bookworm", User = "daemon:tty", Command = ["id"] });
        daemon.Should().Be("uid=1(daemon) gid=5(tty) groups=5(tty)\n");
    }

    [Fact]
    public async Task An_unknown_user_in_the_image_is_a_clear_error()
    {
        var act = () => RunAsync(new ContainerCreateOptions { Image = "debian:bookworm", User = "no-such-user", Command = ["id"] });

        await act.Should().ThrowAsync<InvalidContainerConfigurationException>().WithMessage("*unable to find user no-such-user*");
    }
}
