using Containers.Containers;
using Containers.Testing;
using Containers.Volumes;

namespace Containers.Linux.Tests.Runtime;

/// <summary>A program that lives in a bind mount runs: the engine looks it up as the container will see it, mounts included.</summary>
public sealed class BindMountProgramTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public async Task A_program_bind_mounted_as_a_file_or_inside_a_directory_runs()
    {
        using var host = new TempDirectory("bind-program");
        var program = Path.Combine(host.Path, "prog");
        await File.WriteAllTextAsync(program, "#!/bin/sh\necho probed \"$@\"\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var asFile = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Mounts = [MountSpecParser.ParseVolume($"{program}:/probe:ro")],
            Command = ["/probe", "file"],
        });
        asFile.ExitCode.Should().Be(0, asFile.Stderr);
        asFile.Stdout.Should().Be("probed file\n");

        var inDirectory = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Mounts = [MountSpecParser.ParseVolume($"{host.Path}:/tools:ro")],
            Environment = ["PATH=/tools:/bin"],
            Command = ["prog", "path"],
        });
        inDirectory.ExitCode.Should().Be(0, inDirectory.Stderr);
        inDirectory.Stdout.Should().Be("probed path\n");

        var missing = () => fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Mounts = [MountSpecParser.ParseVolume($"{host.Path}:/tools:ro")],
            Command = ["/tools/absent"],
        });
        (await missing.Should().ThrowAsync<ContainerCommandException>()).Which.ExitCode.Should().Be(127);
    }
}
