using Containers.Containers;
using System.Formats.Tar;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>IContainerService.CopyToAsync: files with owners and modes, into created and running containers, never outside the container's root.</summary>
public sealed class CopyToTests(FixtureEngine fixture) : IClassFixture<FixtureEngine>
{
    [Fact]
    public async Task Files_copied_into_a_created_container_are_there_when_it_starts()
    {
        var created = await fixture.Engine.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "stat -c '%n %u:%g %a' /data/a.txt /data/sub/b.txt; cat /data/a.txt"] });
        try
        {
            await fixture.Engine.Containers.CopyToAsync(created.Id, "/data", Archive(("a.txt", "alpha", 1000, (UnixFileMode)0x180), ("./sub/b.txt", "beta", 0, (UnixFileMode)0x1A4)));
            await fixture.Engine.Containers.StartAsync(created.Id);
            (await fixture.Engine.Containers.WaitAsync(created.Id)).Should().Be(0);

            var output = string.Concat(await fixture.Engine.Containers.LogsAsync(created.Id).Select(e => e.Text).ToListAsync());
            output.Should().Be("/data/a.txt 1000:1000 600\n/data/sub/b.txt 0:0 644\nalpha");
        }
        finally
        {
            await fixture.Engine.Containers.RemoveAsync(created.Id, force: true);
        }
    }

    [Fact]
    public async Task Files_copied_into_a_running_container_appear_at_once()
    {
        var running = await fixture.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "1000"] });
        try
        {
            await fixture.Engine.Containers.CopyToAsync(running.Id, "/tmp", Archive(("live.txt", "now", 0, (UnixFileMode)0x1A4)));

            (await fixture.Engine.Containers.ExecAsync(running.Id, ["cat", "/tmp/live.txt"])).Stdout.Should().Be("now");
        }
        finally
        {
            await fixture.Engine.Containers.RemoveAsync(running.Id, force: true);
        }
    }

    [Fact]
    public async Task A_symbolic_link_in_the_container_cannot_send_a_copy_onto_the_host()
    {
        var marker = "copy-escape-" + Guid.NewGuid().ToString("N")[..8];
        var running = await fixture.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "1000"] });
        try
        {
            (await fixture.Engine.Containers.ExecAsync(running.Id, ["ln", "-s", "../../../../../../tmp", "/escape"])).ExitCode.Should().Be(0);
            await fixture.Engine.Containers.CopyToAsync(running.Id, "/escape", Archive((marker, "x", 0, (UnixFileMode)0x1A4)));

            File.Exists(Path.Combine("/tmp", marker)).Should().BeFalse("the link resolves inside the container's root");
            (await fixture.Engine.Containers.ExecAsync(running.Id, ["cat", "/tmp/" + marker])).Stdout.Should().Be("x");
        }
        finally
        {
            await fixture.Engine.Containers.RemoveAsync(running.Id, force: true);
            File.Delete(Path.Combine("/tmp", marker));
        }
    }

    private static MemoryStream Archive(params (string Name, string Content, int Owner, UnixFileMode Mode)[] files)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, owner, mode) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)), Uid = owner, Gid = owner, Mode = mode });
            }
        }

        stream.Position = 0;
        return stream;
    }
}
