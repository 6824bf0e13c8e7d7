using Containers.Linux.Interop;
using Containers.Linux.Storage;
using Containers.Linux.Tests.Syscalls;
using Containers.Testing;

namespace Containers.Linux.Tests.Volumes;

/// <summary>
/// The rules of filling a volume from an image (what is copied, in which order, what a failure says), against a recording
/// fake of the metadata syscalls: these run without root. <see cref="VolumeMountTests"/> runs the copy on the real kernel.
/// </summary>
public sealed class VolumeContentCopierTests : IDisposable
{
    private readonly TempDirectory _temp = new("copier");
    private readonly RecordingFileMetadataSyscalls _syscalls = new();

    public VolumeContentCopierTests()
    {
        Directory.CreateDirectory(Source);
        Directory.CreateDirectory(Destination);
    }

    private string Source => _temp.Combine("image");

    private string Destination => _temp.Combine("volume");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_owner_is_set_before_the_mode_so_setuid_survives_and_the_time_comes_last()
    {
        File.WriteAllText(Path.Combine(Source, "su"), "binary");
        _syscalls.Statuses[Path.Combine(Source, "su")] = new Libc.FileStatus(Libc.S_IFREG | 0x9ED, 1000, 1001, 0, 1_700_000_000, 5);

        Copy();

        var copy = Path.Combine(Destination, "su");
        File.ReadAllText(copy).Should().Be("binary");
        _syscalls.On(copy).Should().Equal(
            new ChangeOwnerCall(copy, 1000, 1001),
            new ChangeModeCall(copy, 0x9ED),
            new SetTimeCall(copy, 1_700_000_000, 5));
    }

    [Fact]
    public void Device_nodes_and_fifos_are_made_with_their_type_and_number_not_copied_as_files()
    {
        File.WriteAllText(Path.Combine(Source, "null"), string.Empty);
        File.WriteAllText(Path.Combine(Source, "pipe"), string.Empty);
        var device = Libc.MakeDevice(1, 3);
        _syscalls.Statuses[Path.Combine(Source, "null")] = new Libc.FileStatus(Libc.S_IFCHR | 0x1B6, 0, 0, device, 0, 0);
        _syscalls.Statuses[Path.Combine(Source, "pipe")] = new Libc.FileStatus(Libc.S_IFIFO | 0x1A4, 0, 5, 0, 0, 0);

        Copy();

        _syscalls.Calls.OfType<MakeNodeCall>().Should().BeEquivalentTo(new[]
        {
            new MakeNodeCall(Path.Combine(Destination, "null"), Libc.S_IFCHR | 0x1B6, device),
            new MakeNodeCall(Path.Combine(Destination, "pipe"), Libc.S_IFIFO | 0x1A4, 0),
        });
        File.Exists(Path.Combine(Destination, "null")).Should().BeFalse("the fake makes no node, and nothing else may write one");
        _syscalls.On(Path.Combine(Destination, "pipe")).Should().ContainInOrder(
            new ChangeOwnerCall(Path.Combine(Destination, "pipe"), 0, 5),
            new ChangeModeCall(Path.Combine(Destination, "pipe"), 0x1A4));
    }

    [Fact]
    public void A_symbolic_link_is_copied_as_a_link_and_gets_an_owner_but_no_mode()
    {
        File.CreateSymbolicLink(Path.Combine(Source, "passwd"), "/etc/passwd");

        Copy();

        var copy = Path.Combine(Destination, "passwd");
        new FileInfo(copy).LinkTarget.Should().Be("/etc/passwd");
        _syscalls.On(copy).Should().Equal(new ChangeOwnerCall(copy, 0, 0), new SetTimeCall(copy, 0, 0));
    }

    [Fact]
    public void Extended_attributes_are_copied_except_overlayfs_bookkeeping()
    {
        File.WriteAllText(Path.Combine(Source, "ping"), "binary");
        _syscalls.Attributes[Path.Combine(Source, "ping")] = new()
        {
            ["security.capability"] = "cap_net_raw",
            ["trusted.overlay.origin"] = "lower",
            ["user.note"] = string.Empty,
        };

        Copy();

        var copy = Path.Combine(Destination, "ping");
        _syscalls.On(copy).OfType<SetAttributeCall>().Should().Equal(
            new SetAttributeCall(copy, "security.capability", "cap_net_raw"),
            new SetAttributeCall(copy, "user.note", string.Empty));
    }

    [Fact]
    public void Sockets_are_left_out()
    {
        File.WriteAllText(Path.Combine(Source, "socket"), string.Empty);
        _syscalls.Statuses[Path.Combine(Source, "socket")] = new Libc.FileStatus(0xC000 | 0x1FF, 0, 0, 0, 0, 0);

        Copy();

        File.Exists(Path.Combine(Destination, "socket")).Should().BeFalse();
        _syscalls.On(Path.Combine(Destination, "socket")).Should().BeEmpty();
    }

    [Fact]
    public void Directories_get_their_attributes_after_their_entries_and_the_volume_root_last()
    {
        Directory.CreateDirectory(Path.Combine(Source, "etc", "app"));
        File.WriteAllText(Path.Combine(Source, "etc", "app", "conf"), "x=1");
        _syscalls.Statuses[Source] = new Libc.FileStatus(Libc.S_IFDIR | 0x1ED, 0, 0, 0, 10, 0);
        _syscalls.Statuses[Path.Combine(Source, "etc", "app")] = new Libc.FileStatus(Libc.S_IFDIR | 0x1C0, 70, 70, 0, 20, 0);

        Copy();

        File.ReadAllText(Path.Combine(Destination, "etc", "app", "conf")).Should().Be("x=1");
        _syscalls.Calls.OfType<ChangeOwnerCall>().Select(c => c.Path).Should().Equal(
            Path.Combine(Destination, "etc", "app", "conf"), Path.Combine(Destination, "etc", "app"), Path.Combine(Destination, "etc"), Destination);
        _syscalls.On(Path.Combine(Destination, "etc", "app")).Should().Contain(new ChangeModeCall(Path.Combine(Destination, "etc", "app"), 0x1C0));
        _syscalls.Calls[^1].Should().Be(new SetTimeCall(Destination, 10, 0));
    }

    [Fact]
    public void A_refused_call_names_what_was_done_to_which_path_and_the_errno()
    {
        File.WriteAllText(Path.Combine(Source, "file"), "data");
        var copy = Path.Combine(Destination, "file");
        _syscalls.Fail(nameof(RecordingFileMetadataSyscalls.ChangeOwner), copy, Errno.EPERM);

        var act = Copy;

        act.Should().Throw<IOException>().WithMessage($"changing the owner of {copy} failed while filling a volume from the image: EPERM*");
        _syscalls.On(copy).OfType<ChangeModeCall>().Should().BeEmpty("the copy stops at the first refusal");
    }

    [Fact]
    public void An_unreadable_status_names_the_path_and_the_errno()
    {
        File.WriteAllText(Path.Combine(Source, "secret"), "data");
        _syscalls.Fail(nameof(RecordingFileMetadataSyscalls.LinkStatus), Path.Combine(Source, "secret"), Errno.EACCES);

        var act = Copy;

        act.Should().Throw<IOException>().WithMessage($"cannot read the status of {Path.Combine(Source, "secret")}: EACCES*");
    }

    private void Copy() => new VolumeContentCopier(_syscalls).Copy(Source, Destination);
}
