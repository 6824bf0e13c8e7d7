using System.Text.Json;
using Containers.Images;
using Containers.Registry.Pull;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>Pull and push against Debian's docker-registry, checked against skopeo.</summary>
public sealed class PullPushTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task A_pushed_image_is_what_skopeo_sees_and_pulls_back_byte_for_byte()
    {
        var json = await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", "docker://" + fixture.Reference);
        using var inspected = JsonDocument.Parse(json);
        inspected.RootElement.GetProperty("Digest").GetString().Should().Be(fixture.Image.ManifestDescriptor.Digest.ToString());

        await using var client = ClientEngine.Create();
        var progress = new List<PullProgress>();
        var pulled = await client.Registry.PullAsync(fixture.Reference, new PullOptions { Progress = new SyncProgress<PullProgress>(progress.Add) });

        pulled.Id.Should().Be(fixture.Image.Id);
        pulled.ManifestDescriptor.Digest.Should().Be(fixture.Image.ManifestDescriptor.Digest);
        pulled.Names.Select(n => n.ToString()).Should().Equal(fixture.Reference);
        progress.Where(p => p.State == PullState.Complete).Select(p => p.Digest).Should().BeEquivalentTo(new[] { fixture.Image.Id, fixture.Image.Layers[0].Descriptor.Digest });

        // A second pull finds everything in the store.
        progress.Clear();
        await client.Registry.PullAsync(fixture.Reference, new PullOptions { Progress = new SyncProgress<PullProgress>(progress.Add) });
        progress.Should().OnlyContain(p => p.State == PullState.Exists || p.State == PullState.Waiting);
    }

    [Fact]
    public async Task We_pull_what_skopeo_pushes_with_compressed_layers_and_by_digest()
    {
        await using var source = ClientEngine.Create();
        var image = await source.ImportAsync("skopeo-src:1", new Dictionary<string, string> { ["etc/from"] = "skopeo" });
        var layout = Path.Combine(source.Root, "content");
        var destination = $"{fixture.Server.Host}/pushed/by-skopeo:2";
        await ExternalTool.RunCheckedAsync("skopeo", "copy", "--dest-tls-verify=false", "--dest-compress-format", "gzip", "--dest-compress", $"oci:{layout}:docker.io/library/skopeo-src:1", "docker://" + destination);
        var digest = JsonDocument.Parse(await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", "docker://" + destination)).RootElement.GetProperty("Digest").GetString();

        await using var client = ClientEngine.Create();
        var byTag = await client.Registry.PullAsync(destination);
        var byDigest = await client.Registry.PullAsync($"{fixture.Server.Host}/pushed/by-skopeo@{digest}");

        byTag.ManifestDescriptor.Digest.ToString().Should().Be(digest);
        byDigest.Id.Should().Be(byTag.Id);
        byTag.Layers.Single().Descriptor.MediaType.Should().EndWith("gzip");
        byTag.Layers.Single().DiffId.Should().Be(image.Layers.Single().DiffId);
    }

    [Fact]
    public async Task Tags_are_listed_across_pages_and_manifests_can_be_deleted()
    {
        await using var client = ClientEngine.Create();
        await client.ImportAsync("many:1");
        foreach (var tag in Enumerable.Range(0, 5))
        {
            await client.Registry.PushAsync("many:1", $"{fixture.Server.Host}/paged/many:t{tag}");
        }

        (await client.Registry.ListTagsAsync($"{fixture.Server.Host}/paged/many")).Should().BeEquivalentTo("t0", "t1", "t2", "t3", "t4");

        var digest = (await client.Engine.Images.InspectAsync("many:1")).ManifestDescriptor.Digest;
        await client.Registry.DeleteAsync($"{fixture.Server.Host}/paged/many@{digest}");
        var act = () => client.Registry.PullAsync($"{fixture.Server.Host}/paged/many:t0");
        await act.Should().ThrowAsync<ManifestUnknownException>();
    }

    [Fact]
    public async Task Chunked_uploads_push_the_same_image()
    {
        await using var client = ClientEngine.Create(o => o.ChunkSize = 64 * 1024);
        var image = await client.ImportAsync("chunked:1", new Dictionary<string, string> { ["etc/chunked"] = "1" });

        var digest = await client.Registry.PushAsync("chunked:1", $"{fixture.Server.Host}/chunked/image:1");

        digest.Should().Be(image.ManifestDescriptor.Digest);
        await using var other = ClientEngine.Create();
        (await other.Registry.PullAsync($"{fixture.Server.Host}/chunked/image:1")).Id.Should().Be(image.Id);
    }

    [Fact]
    public async Task A_missing_image_is_a_typed_error_and_leaves_the_store_empty()
    {
        await using var client = ClientEngine.Create();
        var before = StoreSnapshot.Take(client.Root);

        var act = () => client.Registry.PullAsync($"{fixture.Server.Host}/library/nothing:here");

        (await act.Should().ThrowAsync<ManifestUnknownException>()).Which.Message.Should().Contain("nothing");
        StoreSnapshot.Take(client.Root).Should().BeEquivalentTo(before);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly object _gate = new();

        public void Report(T value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
