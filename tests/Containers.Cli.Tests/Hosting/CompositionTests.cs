using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Registry.Hosting;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Cli.Tests.Hosting;

/// <summary>
/// Every registration of the full engine (core, Linux runtime, registry client) resolves. <see cref="ContainerEngine.Create"/>
/// does not validate the composition at every start (that cost each command-line invocation a few milliseconds), so
/// this test does, as a host in development would with ValidateOnBuild.
/// </summary>
public sealed class CompositionTests : IDisposable
{
    private readonly TempDirectory _root = new("composition");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void The_full_composition_validates()
    {
        var services = new ServiceCollection();
        services.AddContainers(o => o.Root = _root.Path).AddLinuxRuntime().AddRegistryClient();

        // Validation builds every registration's call site without constructing anything (no kernel objects made).
        var build = () => services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }).Dispose();

        build.Should().NotThrow();
    }

    [Fact]
    public void A_missing_dependency_fails_validation_naming_it()
    {
        var services = new ServiceCollection();
        services.AddContainers(o => o.Root = _root.Path).AddLinuxRuntime();
        services.AddSingleton<NeedsSomethingUnregistered>();

        var build = () => services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        build.Should().Throw<AggregateException>().WithMessage("*IUnregistered*");
    }

    private interface IUnregistered;

    private sealed class NeedsSomethingUnregistered(IUnregistered dependency)
    {
        public IUnregistered Dependency { get; } = dependency;
    }
}
