using Containers.Linux.Storage;
using Containers.Storage;
using Containers.Testing;

namespace Containers.Linux.Tests.Storage;

/// <summary>
/// The applier reads layers with the strict tar reader: ambiguous archives are refused naming the entry, and normal
/// layers written by GNU tar unpack exactly as GNU tar extracts them, binary file capabilities included.
/// </summary>
public sealed class LayerApplierTarTests : IDisposable
{
    private readonly TempDirectory _scratch = new("applier-tar");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Refuses_an_ambiguous_layer_naming_the_entry_and_touching_nothing_outside()
    {
        var outside = Directory.CreateDirectory(_scratch.Combine("outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "secret"), "keep");
        var before = StoreSnapshot.Take(outside);
        var layer = RawTar.Concat(RawTar.File("ok", "x"), RawTar.Header("evil-link", '2', 512, "target"), RawTar.Data(RawTar.Header("../outside/secret", size: 0)), RawTar.End());

        foreach (var format in new[] { WhiteoutFormat.Apply, WhiteoutFormat.Overlay })
        {
            var root = Directory.CreateDirectory(_scratch.Combine("root-" + format)).FullName;
            var act = () => LayerApplier.ApplyAsync(new MemoryStream(layer), root, format, CancellationToken.None);

            var error = (await act.Should().ThrowAsync<LayerApplyException>()).Which;
            error.Entry.Should().Be("evil-link");
            error.Message.Should().Contain("carries 512 bytes of data");
            Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Should().Equal("ok");
        }

        StoreSnapshot.Take(outside).Should().BeEquivalentTo(before);
    }

    [Theory]
    [InlineData("posix")]
    [InlineData("gnu")]
    public async Task Unpacks_a_GNU_tar_layer_exactly_as_GNU_tar_extracts_it(string format)
    {
        var source = await GnuTarLayers.BuildSourceTreeAsync(_scratch.Combine("source"));
        var layer = _scratch.Combine("layer.tar");
        string[] xattrs = format == "posix" ? ["--xattrs", "--xattrs-include=*"] : []; // GNU format cannot carry xattrs
        await ExternalTool.RunCheckedAsync("tar", [.. xattrs, $"--format={format}", "--numeric-owner", "-C", source, "-cf", layer, "."]);
        var byTar = Directory.CreateDirectory(_scratch.Combine("by-tar")).FullName;
        var byUs = Directory.CreateDirectory(_scratch.Combine("by-us")).FullName;
        await ExternalTool.RunCheckedAsync("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", layer, "-C", byTar);

        await using (var stream = File.OpenRead(layer))
        {
            await LayerApplier.ApplyAsync(stream, byUs, WhiteoutFormat.Apply, CancellationToken.None);
        }

        var expected = await GnuTarLayers.DescribeAsync(byTar);
        (await GnuTarLayers.DescribeAsync(byUs)).Should().Be(expected);
        expected.Should().Contain("ünïcode").And.Contain(new string('d', 120));
        if (format == "posix")
        {
            expected.Should().Contain("security.capability=0x");
            (await GnuTarLayers.GetCapAsync(Path.Combine(byUs, "bin/ping"))).Should().Be(await GnuTarLayers.GetCapAsync(Path.Combine(source, "bin/ping")));
        }
    }
}
