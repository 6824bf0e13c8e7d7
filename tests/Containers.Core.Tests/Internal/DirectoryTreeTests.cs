using Containers.Internal;
using Containers.Storage;
using Containers.Testing;

namespace Containers.Core.Tests.Internal;

/// <summary>Sizing a tree never follows a symbolic link, even one that loops or leaves the tree.</summary>
public sealed class DirectoryTreeTests
{
    [Fact]
    public void Links_to_directories_are_counted_as_entries_but_never_walked()
    {
        using var tree = new TempDirectory("tree");
        Directory.CreateDirectory(tree.Combine("a", "b"));
        File.WriteAllBytes(tree.Combine("a", "one"), new byte[1000]);
        File.WriteAllBytes(tree.Combine("a", "b", "two"), new byte[234]);
        File.CreateSymbolicLink(tree.Combine("a", "b", "loop"), "..");
        File.CreateSymbolicLink(tree.Combine("fd"), "/proc/self/fd");
        File.CreateSymbolicLink(tree.Combine("host"), "/usr");
        File.CreateSymbolicLink(tree.Combine("file-link"), tree.Combine("a", "one"));

        DirectoryTree.Size(tree.Path).Should().Be(1234);
        DirectoryTree.Usage(tree.Path).Should().Be((1234L, 8L));
    }

    [Fact]
    public void A_missing_directory_has_nothing_in_it()
    {
        DirectoryTree.Size("/nonexistent/" + Guid.NewGuid()).Should().Be(0);
    }
}
