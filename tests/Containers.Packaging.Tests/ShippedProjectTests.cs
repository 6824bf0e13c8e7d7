using System.Text.Json;
using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>Which projects Directory.Build.props ships: those under the repository's src/, wherever the clone is.</summary>
public sealed class ShippedProjectTests : IDisposable
{
    // A clone whose own path contains /src/: a link to this repository from a scratch src/ directory.
    private readonly TempDirectory _parent = new("packages-clone");

    public void Dispose() => _parent.Dispose();

    [Theory]
    [InlineData("src/Containers.Core/Containers.Core.csproj", "true", "true")]
    [InlineData("src/Containers.Linux/Containers.Linux.csproj", "true", "true")]
    [InlineData("tests/Containers.Core.Tests/Containers.Core.Tests.csproj", "false", "")]
    [InlineData("samples/Containers.Runtime/Containers.Runtime.csproj", "false", "")]
    [InlineData("bench/Containers.Benchmarks/Containers.Benchmarks.csproj", "false", "")]
    public async Task Only_projects_under_the_repository_src_are_shipped_even_in_a_clone_under_a_src_directory(string project, string packable, string aot)
    {
        Directory.CreateDirectory(_parent.Combine("src"));
        var clone = _parent.Combine("src", "clone");
        File.CreateSymbolicLink(clone, LocalFeed.RepositoryRoot);

        var output = await DotnetCli.RunCheckedAsync(_parent.Path, TimeSpan.FromMinutes(5),
            "msbuild", Path.Combine(clone, project), "-getProperty:IsPackable", "-getProperty:IsAotCompatible");

        using var json = JsonDocument.Parse(output);
        var properties = json.RootElement.GetProperty("Properties");
        properties.GetProperty("IsPackable").GetString().Should().BeEquivalentTo(packable);
        properties.GetProperty("IsAotCompatible").GetString().Should().BeEquivalentTo(aot);
    }
}
