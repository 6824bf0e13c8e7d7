using Containers.Content;
using Containers.Testing;

namespace Containers.Core.Tests.Content;

/// <summary>Runs the content store contract against the OCI-layout store.</summary>
public sealed class OciLayoutContentStoreConformanceTests : ContentStoreConformanceTests
{
    private readonly TempDirectory _root = new();

    protected override Task<IContentStore> CreateStore() =>
        Task.FromResult<IContentStore>(new OciLayoutContentStore(_root.Combine("content"), _root.Combine("tmp"), _root.Combine("locks")));

    public override Task DisposeAsync()
    {
        // Nothing of an interrupted or refused write is left in the scratch directory either.
        Directory.EnumerateFiles(_root.Combine("tmp")).Should().BeEmpty();
        _root.Dispose();
        return Task.CompletedTask;
    }
}
