using Containers.Linux.Interop;
using Containers.Storage;
using Containers.Testing;

namespace Containers.Linux.Tests.Storage;

/// <summary>The content part of the contract: what layers stacked by commits show, checked against a plain directory given the same changes.</summary>
public abstract partial class StorageDriverConformanceTests
{
    private static void Write(string root, string path, string text, int mode = 0x1A4)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        File.SetUnixFileMode(full, (UnixFileMode)mode);
    }

    private static void Mkdir(string root, string path, int mode = 0x1ED)
    {
        var full = Directory.CreateDirectory(Path.Combine(root, path)).FullName;
        File.SetUnixFileMode(full, (UnixFileMode)mode);
    }

    private static void Chown(string root, string path, int uid, int gid) =>
        Errno.Check(Libc.lchown(Path.Combine(root, path), uid, gid), "chown in the test");

    private static void Remove(string root, string path)
    {
        var full = Path.Combine(root, path);
        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }
        else
        {
            File.Delete(full);
        }
    }

    [Fact]
    public async Task A_file_updated_in_every_layer_shows_its_topmost_version()
    {
        await StackAndCompareAsync(
            r => { Write(r, "foo", "foo\n"); Mkdir(r, "a"); Write(r, "a/x", "x"); },
            r => { Write(r, "foo", "bar\n", 0x1FF); Write(r, "a/x", "x2"); },
            r => { Write(r, "foo", "baz\n", 0x180); Write(r, "a/y", "y"); });
    }

    [Fact]
    public async Task A_directory_removed_from_a_lower_layer_stays_gone_and_comes_back_empty()
    {
        await StackAndCompareAsync(
            r => { Write(r, "lib/a", "a"); Write(r, "lib/b/c", "c"); Write(r, "keep", "k"); },
            r => Remove(r, "lib"),
            r => Write(r, "lib/new", "n"));
    }

    [Fact]
    public async Task Files_deleted_in_a_child_stay_deleted_in_its_children()
    {
        await StackAndCompareAsync(
            r => { Write(r, "foo", "foo\n", 0x1FF); Write(r, "foobar", "foobar\n", 0x1FF); },
            r => Remove(r, "foobar"),
            _ => { });
    }

    [Fact]
    public async Task Owners_changed_in_a_child_layer_are_kept()
    {
        await StackAndCompareAsync(
            r => { Mkdir(r, "dir"); Write(r, "dir/file", "f"); Write(r, "top", "t"); },
            r => { Chown(r, "dir", 1000, 1001); Chown(r, "dir/file", 1002, 1003); },
            r => Chown(r, "top", 65534, 65534));
    }

    [Fact]
    public async Task Directory_modes_and_owners_survive_commits_and_writes_below_them()
    {
        await StackAndCompareAsync(
            r => { Mkdir(r, "private", 0x1C0); Mkdir(r, "group", 0x1E8); Chown(r, "group", 0, 1000); Mkdir(r, "sticky", 0x3FF | 0x200); },
            r => { Write(r, "private/secret", "s", 0x180); Write(r, "group/shared", "g"); Write(r, "sticky/tmp", "t"); });
    }

    [Fact]
    public async Task Files_moved_or_linked_out_of_a_lower_layer_leave_their_old_place_empty()
    {
        await StackAndCompareAsync(
            r => { Mkdir(r, "dir1", 0x1C0); Write(r, "dir1/f1", "Hello"); Mkdir(r, "dir2", 0x1C0); Write(r, "dir2/f2", "..."); },
            r =>
            {
                Mkdir(r, "dir3", 0x1C0);
                Write(r, "dir3/f1", "Hello");
                Remove(r, "dir1");
                Errno.Check(Libc.linkat(Libc.AT_FDCWD, Path.Combine(r, "dir2/f2"), Libc.AT_FDCWD, Path.Combine(r, "dir3/f2"), 0), "link in the test");
                Remove(r, "dir2/f2");
            });
    }

    [Fact]
    public async Task Files_renamed_within_a_layer_and_from_a_lower_one_move()
    {
        // Not a directory of a lower layer: overlay without redirect_dir refuses that rename (EXDEV) and mv copies instead.
        await StackAndCompareAsync(
            r => { Write(r, "old", "o"); Mkdir(r, "d"); Write(r, "d/inner", "i"); },
            r => { File.Move(Path.Combine(r, "old"), Path.Combine(r, "new")); File.Move(Path.Combine(r, "d/inner"), Path.Combine(r, "moved")); Write(r, "lower-f", "f"); },
            r => { File.Move(Path.Combine(r, "lower-f"), Path.Combine(r, "d/renamed-f")); Mkdir(r, "fresh"); Write(r, "fresh/f", "f"); Directory.Move(Path.Combine(r, "fresh"), Path.Combine(r, "renamed")); });
    }

    [Fact]
    public async Task Links_and_fifos_survive_commits()
    {
        var top = await StackAndCompareAsync(
            r =>
            {
                Write(r, "target", "t");
                File.CreateSymbolicLink(Path.Combine(r, "soft"), "target");
                Errno.Check(Libc.linkat(Libc.AT_FDCWD, Path.Combine(r, "target"), Libc.AT_FDCWD, Path.Combine(r, "hard"), 0), "link in the test");
                Errno.Check(Libc.mknodat(Libc.AT_FDCWD, Path.Combine(r, "fifo"), 0x1000 | 0x1A4, 0), "mkfifo in the test");
            },
            r => File.CreateSymbolicLink(Path.Combine(r, "dangling"), "/nowhere"));

        (await InViewAsync(top, r => Task.FromResult(Libc.LinkStatus(Path.Combine(r, "fifo"))!.Value.Mode & 0xF000))).Should().Be(0x1000);
    }

    [Fact]
    public async Task Views_are_read_only_on_no_parent_one_layer_and_many()
    {
        var one = await LayerAsync(ChainId("ro-1"), null, r => Write(r, "f", "1"));
        var two = await LayerAsync(ChainId("ro-2"), one, r => Write(r, "g", "2"));

        foreach (var parent in new[] { null, one, two })
        {
            var key = "ro-" + (parent is null ? "none" : parent[^8..]);
            var view = Mount(await Driver.ViewAsync(key, parent));
            FluentActions.Invoking(() => File.WriteAllText(Path.Combine(view, "testfile"), "x")).Should().Throw<IOException>($"a view on {parent ?? "nothing"} is read-only");
            FluentActions.Invoking(() => Directory.CreateDirectory(Path.Combine(view, "dir"))).Should().Throw<IOException>();
            Unmount(view);
            await Driver.RemoveAsync(key);
        }
    }

    [Fact]
    public async Task A_new_root_is_0755_and_a_childs_root_keeps_its_parents_owner_and_mode()
    {
        var root = Mount(await Driver.PrepareAsync("fresh", null));
        (Libc.LinkStatus(root)!.Value.Mode & 0xFFF).Should().Be(0x1ED);
        Unmount(root);
        await Driver.RemoveAsync("fresh");

        var parent = await LayerAsync(ChainId("root-attributes"), null, r => { File.SetUnixFileMode(r, (UnixFileMode)0x1C0); Chown(r, ".", 1000, 1001); });
        var child = Mount(await Driver.PrepareAsync("child", parent));

        var status = Libc.LinkStatus(child)!.Value;
        (status.Mode & 0xFFF, status.Uid, status.Gid).Should().Be((0x1C0, 1000, 1001));
    }

    [Fact]
    public async Task One_hundred_and_twenty_eight_layers_stack_and_a_view_shows_them_all()
    {
        using var flat = new TempDirectory("snapshot-flat");
        void Layer(string r, int i)
        {
            if (i == 0)
            {
                Write(r, "bottom", "way at the bottom\n");
                Write(r, "overwriteme", "FIRST!\n");
                Mkdir(r, "addhere");
                Write(r, "onlyme/bottom", "bye!\n");
                return;
            }

            Write(r, "overwriteme", $"{i} WAS HERE!\n");
            Write(r, $"addhere/file-{i}", "same\n");
            Remove(r, "onlyme");
            Write(r, $"onlyme/file-{i}", "only me!\n");
        }

        string? parent = null;
        for (var i = 0; i < 128; i++)
        {
            var layer = i;
            Layer(flat.Path, layer);
            parent = await LayerAsync(ChainId($"deep-{layer}"), parent, r => Layer(r, layer));
        }

        (await InViewAsync(parent!, DescribeAsync)).Should().Be(await DescribeAsync(flat.Path));
    }

    [Fact]
    public async Task Usage_counts_what_a_snapshot_holds()
    {
        var big = new string('x', 1 << 20);
        var active = Mount(await Driver.PrepareAsync("usage", null));
        await File.WriteAllTextAsync(Path.Combine(active, "big"), big);
        (await Driver.UsageAsync("usage")).Should().Match<SnapshotUsage>(u => u.Size >= 1 << 20 && u.Inodes >= 1);
        Unmount(active);
        var committed = ChainId("usage");
        await Driver.CommitAsync(committed, "usage");
        (await Driver.UsageAsync(committed)).Size.Should().BeInRange(1 << 20, (1 << 20) + 4096);

        var child = Mount(await Driver.PrepareAsync("usage-child", committed));
        await File.WriteAllTextAsync(Path.Combine(child, "small"), new string('y', 4096));
        var usage = await Driver.UsageAsync("usage-child");

        // Overlay counts the snapshot's own layer, vfs its full copy (as the interface documents).
        usage.Size.Should().BeInRange(Driver.Name == "overlay" ? 4096 : (1 << 20) + 4096, (Driver.Name == "overlay" ? 4096 : (1 << 20) + 4096) + 4096);
    }
}
