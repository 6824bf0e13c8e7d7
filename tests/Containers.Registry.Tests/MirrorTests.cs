using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>Pulls through a mirror configured for a registry host: a second loopback registry, and the origin behind it.</summary>
public sealed class MirrorTests
{
    [Fact]
    public async Task A_mirror_that_has_the_image_serves_it_and_the_image_keeps_the_origins_name()
    {
        await using var origin = await RegistryServer.StartAsync();
        await using var mirror = await RegistryServer.StartAsync();
        await using (var seeder = ClientEngine.Create())
        {
            await seeder.ImportAsync("busybox:1");
            await seeder.Registry.PushAsync("busybox:1", $"{mirror.Host}/library/busybox:1"); // only the mirror has it
        }

        await using var client = ClientEngine.Create(o => o.Mirrors[origin.Host] = [mirror.Host]);
        var image = await client.Registry.PullAsync($"{origin.Host}/library/busybox:1");
        image.Names.Select(n => n.ToString()).Should().Equal($"{origin.Host}/library/busybox:1");
    }

    [Fact]
    public async Task A_mirror_that_lacks_the_image_or_is_down_falls_back_to_the_origin()
    {
        await using var origin = await RegistryServer.StartAsync();
        await using var mirror = await RegistryServer.StartAsync();
        await using (var seeder = ClientEngine.Create())
        {
            await seeder.ImportAsync("busybox:1");
            await seeder.Registry.PushAsync("busybox:1", $"{origin.Host}/library/busybox:1");
        }

        var down = $"127.0.0.1:{RegistryServer.FreePort()}";
        await using var client = ClientEngine.Create(o =>
        {
            o.Mirrors[origin.Host] = [down, mirror.Host];
            o.MaxRetries = 1;
        });
        var image = await client.Registry.PullAsync($"{origin.Host}/library/busybox:1");
        image.Names.Select(n => n.ToString()).Should().Equal($"{origin.Host}/library/busybox:1");

        // Mirrors serve pulls only: a push goes to the origin.
        await client.Registry.PushAsync($"{origin.Host}/library/busybox:1", $"{origin.Host}/library/busybox:2");
        var mirrorTags = () => client.Registry.ListTagsAsync($"{mirror.Host}/library/busybox");
        await mirrorTags.Should().ThrowAsync<ManifestUnknownException>();
    }

    [Fact]
    public async Task When_neither_mirror_nor_origin_has_the_image_the_origins_error_is_reported()
    {
        await using var origin = await RegistryServer.StartAsync();
        await using var mirror = await RegistryServer.StartAsync();
        await using var client = ClientEngine.Create(o => o.Mirrors[origin.Host] = [mirror.Host]);
        var act = () => client.Registry.PullAsync($"{origin.Host}/library/none:1");
        (await act.Should().ThrowAsync<ManifestUnknownException>()).Which.Message.Should().Contain("library/none");
        (await client.Engine.Images.ListAsync()).Should().BeEmpty();
    }
}
