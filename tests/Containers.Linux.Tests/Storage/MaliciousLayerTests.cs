using System.Formats.Tar;
using Containers.Linux.Storage;
using Containers.Storage;
using Containers.Testing;

namespace Containers.Linux.Tests.Storage;

/// <summary>
/// A corpus of hostile layers. Whatever each one tries, nothing outside the root it is unpacked into may change;
/// an entry may be refused with <see cref="LayerApplyException"/>, or land inside the root.
/// </summary>
public sealed class MaliciousLayerTests : IDisposable
{
    private readonly TempDirectory _scratch = new("malicious");

    public MaliciousLayerTests()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        System.IO.File.WriteAllText(Path.Combine(Outside, "secret"), "do not touch");
        Directory.CreateDirectory(Path.Combine(Outside, "dir"));
    }

    private string Root => _scratch.Combine("root");

    private string Outside => _scratch.Combine("outside");

    public void Dispose() => _scratch.Dispose();

    private static TarArchive.Entry File(string name, string text = "pwned") => new(name, System.Text.Encoding.UTF8.GetBytes(text));

    private static TarArchive.Entry Link(string name, string target) => new(name, [], TarEntryType.SymbolicLink, target);

    private static TarArchive.Entry Hard(string name, string target) => new(name, [], TarEntryType.HardLink, target);

    public static TheoryData<string, Func<string, TarArchive.Entry[]>> Corpus => new()
    {
        { "dot-dot in the name", o => [File("../outside/secret"), File("../../../../../../" + o.TrimStart('/') + "/secret")] },
        { "absolute name", o => [File(o + "/secret"), File("/" + o.TrimStart('/') + "/dir/new")] },
        { "symlinked parent, absolute", o => [Link("evil", o), File("evil/secret"), File("evil/dir/new")] },
        { "symlinked parent, relative", o => [Link("evil", "../outside"), File("evil/secret")] },
        { "symlink swapped in over a directory", o => [new TarArchive.Entry("d/", [], TarEntryType.Directory), Link("d", o), File("d/secret")] },
        { "write through an existing symlink", o => [Link("x", o + "/secret"), File("x")] },
        { "chmod through a symlink", o => [Link("m", o + "/secret"), new TarArchive.Entry("m", [], TarEntryType.Directory) { Mode = (UnixFileMode)0x1FF }] },
        { "hard link to a host file", o => [Hard("h", o + "/secret"), File("h", "overwritten")] },
        { "hard link climbing out", o => [Hard("h", "../outside/secret")] },
        { "hard link through a symlinked parent", o => [Link("l", o), Hard("h", "l/secret")] },
        { "whiteout through a symlinked parent", o => [Link("w", o), File("w/.wh.secret", "")] },
        { "opaque marker through a symlinked parent", o => [Link("p", o), File("p/.wh..wh..opq", "")] },
        { "whiteout of a symlink removes the link only", o => [Link("s", o + "/secret"), File(".wh.s", "")] },
        { "hard link then write", o => [Link("t", o), Hard("u", "t/secret"), File("u", "x")] },
        { "device named outside", o => [new TarArchive.Entry("../outside/dev", [], TarEntryType.CharacterDevice) { DeviceMajor = 1, DeviceMinor = 3 }] },
        { "deep dot-dot after a symlink", o => [Link("a", "b/../../.."), File("a/outside/secret")] },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Nothing_outside_the_root_changes(string attack, Func<string, TarArchive.Entry[]> entries)
    {
        var before = StoreSnapshot.Take(Outside);
        var hostPasswd = System.IO.File.ReadAllText("/etc/passwd");
        var layer = TarArchive.Write(entries(Outside), TarEntryFormat.Pax);

        foreach (var format in new[] { WhiteoutFormat.Apply, WhiteoutFormat.Overlay })
        {
            try
            {
                await LayerApplier.ApplyAsync(new MemoryStream(layer), Root, format, CancellationToken.None);
            }
            catch (LayerApplyException)
            {
                // Refusing the entry is a fine answer; changing the outside is not.
            }
        }

        StoreSnapshot.Take(Outside).Should().BeEquivalentTo(before, attack);
        new FileInfo(Path.Combine(Outside, "secret")).UnixFileMode.Should().NotHaveFlag(UnixFileMode.OtherWrite, attack);
        System.IO.File.ReadAllText("/etc/passwd").Should().Be(hostPasswd);
    }

    [Fact]
    public async Task Names_with_dot_dot_land_inside_the_root()
    {
        await LayerApplier.ApplyAsync(new MemoryStream(TarArchive.Write([File("../../etc/landed", "ok")])), Root, WhiteoutFormat.Apply, CancellationToken.None);
        System.IO.File.ReadAllText(Path.Combine(Root, "etc", "landed")).Should().Be("ok");
    }

    [Theory]
    [InlineData(".wh..")]
    [InlineData(".wh.")]
    [InlineData("dir/.wh.")]
    [InlineData("..")]
    public async Task Malformed_whiteouts_and_names_are_refused(string name)
    {
        var act = () => LayerApplier.ApplyAsync(new MemoryStream(TarArchive.Write([File(name, "")])), Root, WhiteoutFormat.Apply, CancellationToken.None);
        await act.Should().ThrowAsync<LayerApplyException>();
    }

    [Fact]
    public async Task A_layer_may_not_plant_overlayfs_markers()
    {
        var entry = new PaxTarEntry(TarEntryType.Directory, "d/", new Dictionary<string, string> { ["SCHILY.xattr.trusted.overlay.opaque"] = "y", ["SCHILY.xattr.user.kept"] = "v" }) { Mode = (UnixFileMode)0x1ED };
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, leaveOpen: true))
        {
            writer.WriteEntry(entry);
        }

        await LayerApplier.ApplyAsync(new MemoryStream(buffer.ToArray()), Root, WhiteoutFormat.Overlay, CancellationToken.None);

        var attributes = await ExternalTool.RunCheckedAsync("getfattr", "-d", "-m", "-", Path.Combine(Root, "d"));
        attributes.Should().Contain("user.kept=\"v\"").And.NotContain("trusted.overlay");
    }

    [Fact]
    public async Task A_truncated_layer_is_refused()
    {
        var layer = TarArchive.Write([File("big", new string('x', 100_000))]);
        var act = () => LayerApplier.ApplyAsync(new MemoryStream(layer[..50_000]), Root, WhiteoutFormat.Apply, CancellationToken.None);
        await act.Should().ThrowAsync<Exception>().Where(e => e is LayerApplyException || e is EndOfStreamException);
    }
}
