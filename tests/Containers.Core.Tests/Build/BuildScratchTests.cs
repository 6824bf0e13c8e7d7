using Containers.Build;
using Containers.Testing;

namespace Containers.Core.Tests.Build;

/// <summary>A build's scratch directory: deleted when the build ends, reclaimed when it was killed, never while it runs.</summary>
public sealed class BuildScratchTests : IDisposable
{
    private readonly TempDirectory _temp = new("build-scratch");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reclaim_deletes_only_the_scratch_of_builds_that_died()
    {
        // What a killed build leaves: its directory with a half-unpacked context, and its lock file, which nobody holds.
        var dead = _temp.Combine("build-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(dead, "build-context-x"));
        File.WriteAllText(Path.Combine(dead, "build-context-x", "half"), "unpacked");
        File.WriteAllText(dead + ".lock", string.Empty);

        using (var live = BuildScratch.Create(_temp.Path))
        {
            File.WriteAllText(Path.Combine(live.Path, "entry.tmp"), "being written");

            BuildScratch.Reclaim(_temp.Path).Should().Be(1);

            Directory.Exists(dead).Should().BeFalse();
            File.Exists(dead + ".lock").Should().BeFalse();
            File.Exists(Path.Combine(live.Path, "entry.tmp")).Should().BeTrue("a live build's scratch is its own");
        }

        Directory.EnumerateFileSystemEntries(_temp.Path).Should().BeEmpty("a build that ends deletes its scratch and lock");
    }
}
