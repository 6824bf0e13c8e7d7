namespace Containers.Packaging.Tests;

/// <summary>Shares one packed feed among the test classes: packing the three packages takes minutes.</summary>
[CollectionDefinition(Name)]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "local feed";
}
