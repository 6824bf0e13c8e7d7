using Containers.Images;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Core.Tests.Images;

/// <summary>
/// The image service asks every registered <see cref="IImageUsageSource"/> which images containers use; this source
/// stands in for the container store so the rules can be checked on their own.
/// </summary>
public sealed class ImageInUseTests : IAsyncLifetime
{
    private readonly Usage _usage = new();
    private TestEngine _test = null!;

    public Task InitializeAsync()
    {
        _test = TestEngine.Create(b => b.Services.AddSingleton<IImageUsageSource>(_usage));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();

    [Fact]
    public async Task An_image_a_container_uses_is_not_removed_without_force_and_stays_for_it_with_force()
    {
        var image = await _test.ImportBusyboxAsync("app:1");
        _usage.Uses.Add(new ImageUse("c0ffee00c0ffee00", image.Id, image.ManifestDescriptor.Digest));

        var act = () => _test.Engine.Images.RemoveAsync("app:1");
        var refused = (await act.Should().ThrowAsync<ImageInUseException>()).Which;
        refused.ContainerIds.Should().Equal("c0ffee00c0ffee00");
        refused.Message.Should().Contain("c0ffee00c0ff").And.Contain("must force");

        (await _test.Engine.Images.RemoveAsync("app:1", force: true)).Select(r => r.Kind).Should().Equal(ImageRemovalKind.Untagged);
        var left = (await _test.Engine.Images.ListAsync()).Should().ContainSingle().Which;
        left.Id.Should().Be(image.Id);
        left.Dangling.Should().BeTrue();

        (await _test.Engine.Images.PruneAsync(all: true)).Removals.Should().BeEmpty("a used image is never pruned");
        (await _test.Engine.Images.CollectGarbageAsync()).BlobsDeleted.Should().Be(0);
        (await _test.Engine.Images.GetDiskUsageAsync()).ActiveImages.Should().Be(1);
    }

    private sealed class Usage : IImageUsageSource
    {
        public List<ImageUse> Uses { get; } = [];

        public IAsyncEnumerable<ImageUse> GetImageUsesAsync(CancellationToken cancellationToken = default) => Uses.ToAsyncEnumerable();
    }
}
