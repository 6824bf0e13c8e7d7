using System.Diagnostics;
using Containers.Testing;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>
/// What a user installs is what is tested: the three packages from <c>dotnet pack</c>, in a local feed, consumed by a
/// fresh project (package references, not project references) that runs a fixture.
/// </summary>
public sealed class PackageConsumptionTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    [Fact]
    public async Task A_fresh_project_runs_a_fixture_from_the_packed_packages()
    {
        using var work = new TempDirectory("fixture-packages");
        var feed = Directory.CreateDirectory(Path.Combine(work.Path, "feed")).FullName;
        var version = "0.0.0-fixtures." + Guid.NewGuid().ToString("N")[..8];
        foreach (var project in new[] { "Containers.Core", "Containers.Linux", "Containers.Registry" })
        {
            // The assemblies the solution build made (no rebuild under a running suite); a version no cache holds yet.
            await DotnetAsync(RepositoryRoot, "pack", $"src/{project}/{project}.csproj", "-c", "Release", "--no-build", "-o", feed, $"-p:PackageVersion={version}", "-p:IncludeSymbols=false");
        }

        var app = Directory.CreateDirectory(Path.Combine(work.Path, "app")).FullName;
        var globalPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="cache" value="{globalPackages}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{Path.Combine(work.Path, "packages")}</RestorePackagesPath>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Containers.Core" Version="{version}" />
                <PackageReference Include="Containers.Linux" Version="{version}" />
                <PackageReference Include="Containers.Registry" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // Outside the repository, so none of its Directory.Build.props or Directory.Packages.props apply.
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Containers.Fixtures;
            using Containers.Hosting;
            using Containers.Images;
            using Containers.Linux.Hosting;

            await using var engine = ContainerEngine.Create(new ContainersOptions { Root = args[0] }, b => b.AddLinuxRuntime());
            try
            {
                await using (var rootfs = File.OpenRead(args[1]))
                {
                    await engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = "busybox" });
                }

                await using var web = await new ContainerBuilder("busybox")
                    .WithCommand("httpd", "-f", "-p", "80", "-h", "/www")
                    .WithFile("/www/index.html", "served from the packages")
                    .WithPortBinding(80)
                    .WithWaitStrategy(Wait.ForHttp(80))
                    .StartAsync(engine);
                using var http = new HttpClient();
                Console.WriteLine(await http.GetStringAsync($"http://{web.Host}:{web.GetMappedPort(80)}/index.html"));
            }
            finally
            {
                await engine.ResetAsync();
            }
            """);
        var rootfsPath = Path.Combine(work.Path, "busybox.tar");
        await File.WriteAllBytesAsync(rootfsPath, await TestImages.BusyboxRootfsAsync());

        var output = await DotnetAsync(app, "run", "-c", "Release", "--", Path.Combine(work.Path, "root"), rootfsPath);

        output.Should().Contain("served from the packages");
    }

    private static async Task<string> DotnetAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        process.ExitCode.Should().Be(0, $"dotnet {string.Join(' ', arguments)} failed:\n{output}");
        return output;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Containers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (with Containers.sln) is not above the test's directory");
    }
}
