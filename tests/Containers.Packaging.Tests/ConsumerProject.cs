using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>
/// A new console project in a scratch directory outside the repository (so none of its build settings apply) that
/// references Containers.Linux and Containers.Registry by version from the local feed, with nuget.org for their own
/// dependencies, and builds with warnings as errors.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private readonly TempDirectory _directory = new("packages-consumer");

    private ConsumerProject()
    {
    }

    public string Path => _directory.Path;

    /// <summary>Gets the build output, where a framework-dependent build without a RID puts the app and the packages' assets.</summary>
    public string OutputPath => _directory.Combine("bin", "Release", "net10.0");

    public static ConsumerProject Create(LocalFeed feed)
    {
        var project = new ConsumerProject();
        File.WriteAllText(project._directory.Combine("consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Containers.Linux" Version="{feed.Version}" />
                <PackageReference Include="Containers.Registry" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(project._directory.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.Path}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "Consumer", "Program.cs"), project._directory.Combine("Program.cs"));
        return project;
    }

    public Task<ToolResult> BuildAsync() =>
        DotnetCli.RunAsync(Path, TimeSpan.FromMinutes(15), "build", "-c", "Release");

    /// <summary>Runs the built consumer, optionally wrapped (<c>setpriv ...</c> to run it as another user).</summary>
    public Task<ToolResult> RunAsync(IReadOnlyList<string> wrapper, params string[] arguments) =>
        ExternalTool.RunAsync(
            wrapper.Count > 0 ? wrapper[0] : "dotnet",
            [.. wrapper.Skip(1), .. wrapper.Count > 0 ? new[] { "dotnet" } : [], System.IO.Path.Combine(OutputPath, "consumer.dll"), .. arguments],
            timeout: TimeSpan.FromMinutes(5));

    public void Dispose() => _directory.Dispose();
}
