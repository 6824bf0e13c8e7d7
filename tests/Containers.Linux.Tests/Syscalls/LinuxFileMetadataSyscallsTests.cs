using Containers.Linux.Interop;
using Containers.Linux.Syscalls;
using Containers.Testing;

namespace Containers.Linux.Tests.Syscalls;

/// <summary>
/// The real side of the file-metadata seam against the kernel (as root): what it writes reads back, links are never
/// followed, failures come back as errno. <see cref="RecordingFileMetadataSyscalls"/> stands in for it in tests without root.
/// </summary>
public sealed class LinuxFileMetadataSyscallsTests : IDisposable
{
    private readonly TempDirectory _temp = new("syscalls");
    private readonly LinuxFileMetadataSyscalls _syscalls = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Owner_mode_time_and_attributes_written_read_back()
    {
        var file = _temp.Combine("su");
        File.WriteAllText(file, "binary");

        _syscalls.ChangeOwner(file, 1000, 1001).Should().Be(0);
        _syscalls.ChangeMode(file, 0x9ED).Should().Be(0);
        _syscalls.SetModificationTime(file, 1_700_000_000, 5).Should().Be(0);
        _syscalls.SetExtendedAttribute(file, "user.note", "hello"u8.ToArray()).Should().Be(0);
        _syscalls.SetExtendedAttribute(file, "user.empty", []).Should().Be(0);

        _syscalls.LinkStatus(file, out var status).Should().Be(0);
        status.Should().Be(new Libc.FileStatus(Libc.S_IFREG | 0x9ED, 1000, 1001, 0, 1_700_000_000, 5));
        _syscalls.ListExtendedAttributes(file).Should().Contain(new[] { "user.note", "user.empty" });
        _syscalls.GetExtendedAttribute(file, "user.note").Should().Equal("hello"u8.ToArray());
        _syscalls.GetExtendedAttribute(file, "user.empty").Should().BeEmpty("an empty value is set, not taken for a removal");
        _syscalls.GetExtendedAttribute(file, "user.missing").Should().BeNull();
    }

    [Fact]
    public void A_device_node_gets_its_type_and_number()
    {
        var node = _temp.Combine("null");

        _syscalls.MakeNode(node, Libc.S_IFCHR | 0x1B6, Libc.MakeDevice(1, 3)).Should().Be(0);

        _syscalls.LinkStatus(node, out var status).Should().Be(0);
        (status.Mode & Libc.S_IFMT).Should().Be(Libc.S_IFCHR);
        status.Device.Should().Be(Libc.MakeDevice(1, 3));
    }

    [Fact]
    public void A_symbolic_link_is_changed_itself_never_its_target()
    {
        var target = _temp.Combine("target");
        File.WriteAllText(target, "x");
        var link = _temp.Combine("link");
        File.CreateSymbolicLink(link, target);

        _syscalls.ChangeOwner(link, 1000, 1000).Should().Be(0);
        _syscalls.SetModificationTime(link, 1_600_000_000, 0).Should().Be(0);

        _syscalls.LinkStatus(link, out var linkStatus).Should().Be(0);
        (linkStatus.Mode & Libc.S_IFMT).Should().Be(Libc.S_IFLNK);
        linkStatus.Uid.Should().Be(1000);
        linkStatus.MtimeSeconds.Should().Be(1_600_000_000);
        _syscalls.LinkStatus(target, out var targetStatus).Should().Be(0);
        targetStatus.Uid.Should().Be(0);
        targetStatus.MtimeSeconds.Should().NotBe(1_600_000_000);
    }

    [Fact]
    public void Failures_come_back_as_the_errno()
    {
        var missing = _temp.Combine("missing");

        _syscalls.LinkStatus(missing, out _).Should().Be(Errno.ENOENT);
        _syscalls.ChangeOwner(missing, 0, 0).Should().Be(Errno.ENOENT);
        _syscalls.ChangeMode(missing, 0x1A4).Should().Be(Errno.ENOENT);
        _syscalls.MakeNode(_temp.Path, Libc.S_IFIFO | 0x1A4, 0).Should().Be(Errno.EEXIST);
        _syscalls.ListExtendedAttributes(missing).Should().BeEmpty();
        _syscalls.GetExtendedAttribute(missing, "user.x").Should().BeNull();
    }
}
