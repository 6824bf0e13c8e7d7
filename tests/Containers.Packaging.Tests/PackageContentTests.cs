using System.Text;
using System.Text.RegularExpressions;
using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>What the packed packages hold: natives for each RID at the paths the runtime probes, readmes, license, pinned dependencies.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed partial class PackageContentTests(LocalFeed feed)
{
    private static readonly string[] NativeRids = ["linux-x64", "linux-arm64"];

    [Fact]
    public void Linux_package_holds_both_native_files_for_each_rid_as_files_and_its_build_targets()
    {
        var entries = feed.Entries("Containers.Linux");

        foreach (var rid in NativeRids)
        {
            entries.Should().Contain($"runtimes/{rid}/native/libcontainers_native.so");
            entries.Should().Contain($"runtimes/{rid}/native/containers-monitor");
        }

        entries.Should().NotContain(e => e.Contains("containers-monitor/", StringComparison.Ordinal), "a PackagePath without an extension must not become a folder");
        entries.Should().Contain("buildTransitive/Containers.Linux.targets");
    }

    [Theory]
    [InlineData("Containers.Core")]
    [InlineData("Containers.Linux")]
    [InlineData("Containers.Registry")]
    public void Each_package_has_its_own_readme_and_the_license(string id)
    {
        var readme = Encoding.UTF8.GetString(feed.ReadEntry(id, "README.md"));
        readme.Should().StartWith($"# {id}\n", "the package readme, not the repository's, which points at scripts package users do not have");
        readme.Should().NotContain("scripts/");
        Encoding.UTF8.GetString(feed.ReadEntry(id, "LICENSE")).Should().StartWith("MIT License");
        Nuspec(id).Should().Contain("<readme>README.md</readme>").And.Contain("<license type=\"expression\">MIT</license>");
    }

    [Theory]
    [InlineData("Containers.Linux", "Containers.Core")]
    [InlineData("Containers.Registry", "Containers.Core")]
    public void Packages_depend_on_the_exact_version_of_each_other(string id, string dependency) =>
        Nuspec(id).Should().Contain($"<dependency id=\"{dependency}\" version=\"[{feed.Version}]\"");

    [Theory]
    [InlineData("linux-x64", "Advanced Micro Devices X86-64")]
    [InlineData("linux-arm64", "AArch64")]
    public async Task Natives_are_built_for_their_rid_need_at_most_glibc_2_28_and_the_monitor_is_static(string rid, string machine)
    {
        using var directory = new TempDirectory("packages-natives");
        var library = directory.Combine("libcontainers_native.so");
        var monitor = directory.Combine("containers-monitor");
        await File.WriteAllBytesAsync(library, feed.ReadEntry("Containers.Linux", $"runtimes/{rid}/native/libcontainers_native.so"));
        await File.WriteAllBytesAsync(monitor, feed.ReadEntry("Containers.Linux", $"runtimes/{rid}/native/containers-monitor"));

        foreach (var file in new[] { library, monitor })
        {
            (await ExternalTool.RunCheckedAsync("readelf", "-h", file)).Should().MatchRegex($@"Machine:\s+{Regex.Escape(machine)}");
        }

        var versions = GlibcVersion().Matches(await ExternalTool.RunCheckedAsync("readelf", "-W", "--dyn-syms", library))
            .Select(m => Version.Parse(m.Groups[1].Value)).ToList();
        versions.Should().NotBeEmpty("the library binds libc symbols by version");
        versions.Max().Should().BeLessThanOrEqualTo(new Version(2, 28), "the library must load on Debian 10/11, Ubuntu 20.04 and RHEL 8");

        var programHeaders = await ExternalTool.RunCheckedAsync("readelf", "-l", monitor);
        programHeaders.Should().NotContain("INTERP", "the monitor must run with nothing from the host");
    }

    private string Nuspec(string id) => Encoding.UTF8.GetString(feed.ReadEntry(id, $"{id}.nuspec"));

    [GeneratedRegex(@"@GLIBC_([0-9]+\.[0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex GlibcVersion();
}
