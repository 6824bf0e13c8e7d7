using System.Formats.Tar;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;
using Containers.Volumes;

namespace Containers.Linux.Tests.Volumes;

/// <summary>Volumes, bind mounts and tmpfs mounts in real containers: what the process inside sees, and what the host keeps.</summary>
public sealed class VolumeMountTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IVolumeService Volumes => fixture.Test.Engine.Volumes;

    private static ContainerCreateOptions Busybox(string script, params string[] mounts) => new()
    {
        Image = "busybox",
        Command = ["sh", "-c", script],
        Mounts = mounts.Select(MountSpecParser.ParseVolume).ToList(),
    };

    [Fact]
    public async Task Data_written_to_a_named_volume_is_there_in_a_new_container()
    {
        var name = "keep-" + Guid.NewGuid().ToString("N")[..8];
        (await fixture.RunAsync(Busybox("echo persisted > /data/file", name + ":/data"))).ExitCode.Should().Be(0);

        var (exit, stdout, _) = await fixture.RunAsync(Busybox("cat /data/file", name + ":/data"));
        exit.Should().Be(0);
        stdout.Should().Be("persisted\n");
        var volume = await Volumes.InspectAsync(name);
        volume.UsedBy.Should().BeEmpty();
        File.ReadAllText(Path.Combine(volume.Mountpoint, "file")).Should().Be("persisted\n");
        await Volumes.RemoveAsync(name);
    }

    [Fact]
    public async Task An_empty_named_volume_receives_the_images_files_with_their_modes()
    {
        await fixture.Test.ImportBusyboxAsync("seeded:1", extraFiles: new Dictionary<string, string> { ["srv/seed/a.txt"] = "from-image\n" });
        var name = "seed-" + Guid.NewGuid().ToString("N")[..8];
        var (exit, stdout, _) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "seeded:1",
            Command = ["sh", "-c", "cat /srv/seed/a.txt; stat -c '%a %u' /srv/seed/a.txt"],
            Mounts = [MountSpecParser.ParseVolume(name + ":/srv/seed")],
        });

        exit.Should().Be(0);
        stdout.Should().Be("from-image\n644 0\n");
        File.ReadAllText(Path.Combine((await Volumes.InspectAsync(name)).Mountpoint, "a.txt")).Should().Be("from-image\n");

        // nocopy leaves a new volume empty.
        var (_, empty, _) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "seeded:1",
            Command = ["ls", "-A", "/srv/seed"],
            Mounts = [MountSpecParser.ParseVolume(name + "-empty:/srv/seed:nocopy")],
        });
        empty.Should().BeEmpty();
        await Volumes.RemoveAsync(name);
        await Volumes.RemoveAsync(name + "-empty");
    }

    [Fact]
    public async Task Copying_the_image_into_a_volume_keeps_owners_modes_links_and_extended_attributes()
    {
        var image = "owned-" + Guid.NewGuid().ToString("N")[..8] + ":1";
        await LayeredImages.AddAsync(fixture.Test.Engine, image, [await TestImages.BusyboxRootfsAsync(), OwnedLayer()]);
        var name = "owned-" + Guid.NewGuid().ToString("N")[..8];
        var (exit, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = image,
            Command = ["sh", "-c", "stat -c '%a %u:%g' /srv/app /srv/app/tool; readlink /srv/app/link; cat /srv/app/sub/deep"],
            Mounts = [MountSpecParser.ParseVolume(name + ":/srv/app")],
        });

        exit.Should().Be(0, stderr);
        stdout.Should().Be("750 1000:1000\n4755 1000:1000\ntool\ndeep\n");
        var data = (await Volumes.InspectAsync(name)).Mountpoint;
        var xattr = await ExternalTool.RunAsync("getfattr", ["-n", "user.origin", "--only-values", Path.Combine(data, "tool")]);
        xattr.Stdout.Should().Be("image");
        new FileInfo(Path.Combine(data, "link")).LinkTarget.Should().Be("tool");
        await Volumes.RemoveAsync(name);
    }

    [Fact]
    public async Task The_engines_files_show_over_a_volume_mounted_on_their_directory()
    {
        var name = "etc-" + Guid.NewGuid().ToString("N")[..8];
        var (exit, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Hostname = "over-volume",
            Command = ["sh", "-c", "cat /etc/hostname; grep -c root /etc/passwd"],
            Mounts = [MountSpecParser.ParseVolume(name + ":/etc")],
        });

        exit.Should().Be(0, stderr);
        stdout.Should().Be("over-volume\n1\n");
        await Volumes.RemoveAsync(name);
    }

    [Fact]
    public async Task A_read_only_bind_mount_refuses_writes()
    {
        using var host = new TempDirectory("ro-bind");
        File.WriteAllText(host.Combine("existing"), "host\n");
        var (exit, stdout, stderr) = await fixture.RunAsync(Busybox("cat /mnt/existing; echo x > /mnt/new", host.Path + ":/mnt:ro"));

        exit.Should().NotBe(0);
        stdout.Should().Be("host\n");
        stderr.Should().Contain("Read-only file system");
        File.Exists(host.Combine("new")).Should().BeFalse();
    }

    [Fact]
    public async Task A_read_write_bind_mount_shows_the_containers_writes_on_the_host()
    {
        using var host = new TempDirectory("rw-bind");
        var (exit, _, _) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "echo from-container > /out/result"],
            Mounts = [MountSpecParser.ParseMount($"type=bind,source={host.Path},target=/out,bind-propagation=rprivate")],
        });

        exit.Should().Be(0);
        File.ReadAllText(host.Combine("result")).Should().Be("from-container\n");
    }

    [Fact]
    public async Task A_tmpfs_mount_is_memory_backed_empty_and_limited_in_size()
    {
        var (exit, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "grep ' /scratch ' /proc/mounts; ls -A /scratch | wc -l; dd if=/dev/zero of=/scratch/big bs=1024 count=2048"],
            Mounts = [MountSpecParser.ParseTmpfs("/scratch:size=1m,mode=1770")],
        });

        exit.Should().NotBe(0, "2 MiB do not fit in a 1 MiB tmpfs");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().StartWith("tmpfs /scratch tmpfs ").And.Contain("size=1024k").And.Contain("mode=1770").And.Contain("noexec");
        lines[1].Trim().Should().Be("0");
        stderr.Should().Contain("No space left on device");
    }

    [Fact]
    public async Task A_volume_in_use_cannot_be_removed_without_force()
    {
        var name = "busy-" + Guid.NewGuid().ToString("N")[..8];
        var container = await fixture.Containers.CreateAsync(Busybox("true", name + ":/data"));

        var act = () => Volumes.RemoveAsync(name);
        (await act.Should().ThrowAsync<VolumeInUseException>()).Which.ContainerIds.Should().Equal(container.Id);
        (await Volumes.ListAsync(new VolumeListOptions { Dangling = false })).Select(v => v.Name).Should().Contain(name);
        (await Volumes.PruneAsync(all: true)).Removed.Should().NotContain(name);

        // Another engine on the same root sees the same claim.
        await using (var other = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime()))
        {
            await ((Func<Task>)(() => other.Volumes.RemoveAsync(name))).Should().ThrowAsync<VolumeInUseException>();
        }

        await fixture.Containers.RemoveAsync(container.Id);
        await Volumes.RemoveAsync(name);
        await ((Func<Task>)(() => Volumes.InspectAsync(name))).Should().ThrowAsync<VolumeNotFoundException>();

        var forced = "forced-" + Guid.NewGuid().ToString("N")[..8];
        var holder = await fixture.Containers.CreateAsync(Busybox("true", forced + ":/data"));
        await Volumes.RemoveAsync(forced, force: true);
        await ((Func<Task>)(() => Volumes.InspectAsync(forced))).Should().ThrowAsync<VolumeNotFoundException>();
        await fixture.Containers.RemoveAsync(holder.Id);
    }

    [Fact]
    public async Task Anonymous_volumes_from_the_image_go_with_a_removed_container_only_when_asked()
    {
        await fixture.Test.ImportBusyboxAsync("declares-volume:1", changes: ["CMD [\"/bin/sh\"]", "VOLUME /cache"]);
        var kept = await fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "declares-volume:1", Command = ["true"] });
        var anonymous = kept.Options.Mounts.Should().ContainSingle(m => m.Target == "/cache").Subject.Source!;
        (await Volumes.InspectAsync(anonymous)).Anonymous.Should().BeTrue();
        await fixture.Containers.RemoveAsync(kept.Id);
        (await Volumes.InspectAsync(anonymous)).UsedBy.Should().BeEmpty("plain rm keeps volumes");

        var removed = await fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "declares-volume:1", Command = ["true"] });
        var second = removed.Options.Mounts.Single(m => m.Target == "/cache").Source!;
        await fixture.Containers.RemoveAsync(removed.Id, force: false, removeVolumes: true);
        await ((Func<Task>)(() => Volumes.InspectAsync(second))).Should().ThrowAsync<VolumeNotFoundException>();

        var auto = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "declares-volume:1", Command = ["sh", "-c", "echo x > /cache/f"], AutoRemove = true });
        var third = auto.Options.Mounts.Single(m => m.Target == "/cache").Source!;
        (await fixture.Containers.WaitAsync(auto.Id)).Should().Be(0);
        await Eventually.UntilAsync(async () => (await Volumes.ListAsync()).All(v => v.Name != third), "the --rm container's anonymous volume is removed");

        (await Volumes.PruneAsync()).Removed.Should().Contain(anonymous);
    }

    [Theory]
    [InlineData("../../../../tmp/{0}")]
    [InlineData("/etc")]
    public async Task A_symlink_in_the_image_cannot_send_a_mount_out_of_the_root(string linkTemplate)
    {
        var marker = "escape-" + Guid.NewGuid().ToString("N")[..12];
        var link = string.Format(System.Globalization.CultureInfo.InvariantCulture, linkTemplate, marker);
        var image = "symlinked-" + marker + ":1";
        await LayeredImages.AddAsync(fixture.Test.Engine, image, [await TestImages.BusyboxRootfsAsync(), LinkLayer("data", link)]);
        using var host = new TempDirectory("escape-src");
        File.WriteAllText(host.Combine(marker), "bound\n");
        var etcBefore = Directory.GetFileSystemEntries("/etc").Length;

        var (exit, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = image,
            Command = ["sh", "-c", $"cat /data/{marker}; cat {(link.StartsWith('/') ? link : "/tmp/" + marker)}/{marker}; test -e /etc/passwd && echo etc-intact; true"],
            Mounts = [MountSpecParser.ParseVolume(host.Path + ":/data")],
        });

        exit.Should().Be(0, stderr);
        stdout.Should().Be("bound\nbound\n" + (link == "/etc" ? string.Empty : "etc-intact\n"));
        Path.Exists("/tmp/" + marker).Should().BeFalse("the mount point must be made inside the root");
        Directory.GetFileSystemEntries("/etc").Length.Should().Be(etcBefore);
        File.Exists("/etc/" + marker).Should().BeFalse();
    }

    [Fact]
    public async Task A_mount_whose_destination_resolves_to_the_root_is_refused()
    {
        var image = "to-root-" + Guid.NewGuid().ToString("N")[..8] + ":1";
        await LayeredImages.AddAsync(fixture.Test.Engine, image, [await TestImages.BusyboxRootfsAsync(), LinkLayer("data", "../..")]);
        using var host = new TempDirectory("to-root");
        var act = () => fixture.RunAsync(new ContainerCreateOptions { Image = image, Command = ["true"], Mounts = [MountSpecParser.ParseVolume(host.Path + ":/data")] });
        (await act.Should().ThrowAsync<ContainerStartException>()).Which.Message.Should().Contain("resolves to the container's root");
    }

    [Fact]
    public async Task A_symlink_left_in_a_volume_cannot_send_a_nested_mount_out_of_it()
    {
        var name = "nested-" + Guid.NewGuid().ToString("N")[..8];
        (await fixture.RunAsync(Busybox("ln -s /etc /data/sub && ln -s ../../../../../../tmp/" + name + " /data/up", name + ":/data"))).ExitCode.Should().Be(0);
        using var host = new TempDirectory("nested-src");
        File.WriteAllText(host.Combine("inside"), "ok\n");

        var (exit, stdout, stderr) = await fixture.RunAsync(Busybox($"cat /data/sub/inside /data/up/inside /etc/inside /tmp/{name}/inside", name + ":/data", host.Path + ":/data/sub:ro", host.Path + ":/data/up:ro"));

        // As runc: the links resolve in the container's root (its /etc, its /tmp), never on the host's.
        exit.Should().Be(0, stderr);
        stdout.Should().Be("ok\nok\nok\nok\n");
        File.Exists("/etc/inside").Should().BeFalse();
        Path.Exists("/tmp/" + name).Should().BeFalse();
        await Volumes.RemoveAsync(name);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("-dash")]
    [InlineData("has/slash")]
    [InlineData("sp ace")]
    [InlineData("..")]
    public async Task Bad_volume_names_are_refused_everywhere(string name)
    {
        await FluentActions.Invoking(() => Volumes.CreateAsync(new VolumeCreateOptions { Name = name })).Should().ThrowAsync<InvalidVolumeNameException>();
        if (!name.Contains(':') && !name.StartsWith('/'))
        {
            FluentActions.Invoking(() => MountSpecParser.ParseMount($"type=volume,source={name},target=/x")).Should().Throw<Exception>().Which.Should().BeAssignableTo<ContainersException>();
        }

        var before = (await fixture.Containers.ListAsync(all: true)).Count;
        await FluentActions.Invoking(() => fixture.Containers.CreateAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Mounts = [new ContainerMount { Type = MountType.Volume, Source = name, Target = "/x" }],
        })).Should().ThrowAsync<InvalidVolumeNameException>();
        (await fixture.Containers.ListAsync(all: true)).Count.Should().Be(before, "a refused container leaves nothing behind");
    }

    [Fact]
    public async Task Mounts_that_cannot_be_made_are_refused_at_create()
    {
        // A --mount bind source must exist; -v creates it.
        await FluentActions.Invoking(() => fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Mounts = [MountSpecParser.ParseMount("type=bind,source=/nonexistent-" + Guid.NewGuid().ToString("N") + ",target=/x")] }))
            .Should().ThrowAsync<InvalidMountSpecException>().WithMessage("*does not exist*");
        await FluentActions.Invoking(() => fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Mounts = [MountSpecParser.ParseTmpfs("/x"), MountSpecParser.ParseVolume("vv:/x")] }))
            .Should().ThrowAsync<InvalidMountSpecException>().WithMessage("*duplicate*");
    }

    [Fact]
    public async Task Two_engines_creating_one_volume_at_once_end_with_one_volume()
    {
        var name = "race-" + Guid.NewGuid().ToString("N")[..8];
        await using var other = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root });
        var creates = Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? Volumes : other.Volumes).CreateAsync(new VolumeCreateOptions { Name = name, Labels = new Dictionary<string, string> { ["n"] = "1" } }));
        var results = await Task.WhenAll(creates);

        results.Select(r => r.CreatedAt).Distinct().Should().ContainSingle("every caller got the one volume");
        (await Volumes.ListAsync(new VolumeListOptions { Labels = ["n=1"], Name = name })).Should().ContainSingle();
        (await other.Volumes.ListAsync(new VolumeListOptions { Labels = ["n=2"] })).Should().NotContain(v => v.Name == name);
        await other.Volumes.RemoveAsync(name);
        (await Volumes.ListAsync()).Should().NotContain(v => v.Name == name);
    }

    private static byte[] OwnedLayer()
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "srv/") { Mode = (UnixFileMode)0x1ED });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "srv/app/") { Mode = (UnixFileMode)0x1E8, Uid = 1000, Gid = 1000 });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "srv/app/tool", new Dictionary<string, string> { ["SCHILY.xattr.user.origin"] = "image" })
            {
                Mode = (UnixFileMode)0x9ED, Uid = 1000, Gid = 1000, DataStream = new MemoryStream("#!/bin/sh\n"u8.ToArray()),
            });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "srv/app/link") { LinkName = "tool", Mode = (UnixFileMode)0x1FF });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "srv/app/sub/") { Mode = (UnixFileMode)0x1ED });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "srv/app/sub/deep") { Mode = (UnixFileMode)0x1A4, DataStream = new MemoryStream("deep\n"u8.ToArray()) });
        }

        return buffer.ToArray();
    }

    private static byte[] LinkLayer(string name, string target)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0x1FF });
        }

        return buffer.ToArray();
    }
}
