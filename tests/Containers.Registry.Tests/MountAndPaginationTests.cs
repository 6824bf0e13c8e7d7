using Containers.Registry.Auth;
using Containers.Registry.Push;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>Cross-repository blob mounts on push, and tag listings that span pages.</summary>
public sealed class MountAndPaginationTests
{
    private static bool IsUpload(string line) => line.Contains("/blobs/uploads/", StringComparison.Ordinal) && line.StartsWith("P", StringComparison.Ordinal) && !line.Contains("mount=", StringComparison.Ordinal);

    [Fact]
    public async Task Blobs_another_repository_holds_are_mounted_not_uploaded()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var proxy = new FaultProxy(registry.BaseUri);
        await using var client = ClientEngine.Create();
        var image = await client.ImportAsync("busybox:1");
        await client.Registry.PushAsync("busybox:1", $"{proxy.Host}/team/base:1");
        proxy.Log.Should().Contain(l => IsUpload(l));
        proxy.Log.Clear();

        var progress = new List<PushProgress>();
        var digest = await client.Registry.PushAsync("busybox:1", $"{proxy.Host}/team/app:1", new PushOptions { MountFrom = ["team/base"], Progress = new SyncProgress<PushProgress>(progress.Add) });

        digest.Should().Be(image.ManifestDescriptor.Digest);
        proxy.Log.Where(l => l.StartsWith("POST", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.OnlyContain(l => l.Contains("mount=sha256%3A", StringComparison.Ordinal) && l.Contains("from=team%2Fbase", StringComparison.Ordinal));
        proxy.Log.Should().NotContain(l => IsUpload(l), "nothing was uploaded");
        progress.Should().HaveCount(2).And.OnlyContain(p => p.State == PushState.Mounted);

        await using var puller = ClientEngine.Create();
        (await puller.Registry.PullAsync($"{registry.Host}/team/app:1")).Id.Should().Be(image.Id);
    }

    [Fact]
    public async Task The_repositories_an_image_was_pulled_from_are_mount_sources_too()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var proxy = new FaultProxy(registry.BaseUri);
        await using (var seeder = ClientEngine.Create())
        {
            await seeder.ImportAsync("busybox:1");
            await seeder.Registry.PushAsync("busybox:1", $"{proxy.Host}/library/busybox:1");
        }

        await using var client = ClientEngine.Create();
        await client.Registry.PullAsync($"{proxy.Host}/library/busybox:1");
        proxy.Log.Clear();
        await client.Registry.PushAsync($"{proxy.Host}/library/busybox:1", $"{proxy.Host}/mine/busybox:1");
        proxy.Log.Should().Contain(l => l.Contains("from=library%2Fbusybox", StringComparison.Ordinal)).And.NotContain(l => IsUpload(l));
    }

    [Fact]
    public async Task A_mount_the_registry_answers_with_202_continues_as_an_upload_in_the_session_it_opened()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var proxy = new FaultProxy(registry.BaseUri);
        await using var client = ClientEngine.Create();
        var image = await client.ImportAsync("busybox:1");

        await client.Registry.PushAsync("busybox:1", $"{proxy.Host}/team/app:1", new PushOptions { MountFrom = ["nowhere/app"] });

        var log = proxy.Log.ToList();
        log.Where(l => l.StartsWith("POST", StringComparison.Ordinal)).Should().HaveCount(2).And.OnlyContain(l => l.Contains("mount=", StringComparison.Ordinal));
        log.Where(l => l.StartsWith("PUT", StringComparison.Ordinal) && l.Contains("/blobs/uploads/", StringComparison.Ordinal)).Should().HaveCount(2, "each refused mount's session took the upload");
        (await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Host}/team/app:1")).Should().Contain(image.ManifestDescriptor.Digest.ToString());
    }

    [Fact]
    public async Task With_token_auth_a_mount_asks_for_pull_on_the_source_and_push_on_the_destination()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await RegistryServer.StartAsync(authSection: issuer.AuthSection(), prepare: issuer.WriteBundle);
        await using var client = ClientEngine.Create(o => o.Credentials[registry.Host] = new RegistryCredential("alice", "s3cret"));
        await client.ImportAsync("busybox:1");
        await client.Registry.PushAsync("busybox:1", $"{registry.Host}/team/base:1");

        await client.Registry.PushAsync("busybox:1", $"{registry.Host}/team/app:1", new PushOptions { MountFrom = ["team/base"] });

        issuer.Requests.Should().Contain(r => r.Scopes.SequenceEqual(new[] { "repository:team/app:pull,push", "repository:team/base:pull" }));
        (await client.Registry.ListTagsAsync($"{registry.Host}/team/app")).Should().Equal("1");
    }

    [Fact]
    public async Task Tag_listings_follow_link_headers_page_by_page()
    {
        await using var registry = await RegistryServer.StartAsync();
        await using var proxy = new FaultProxy(registry.BaseUri) { PaginateTags = true };
        await using var client = ClientEngine.Create(o => o.TagPageSize = 2);
        await client.ImportAsync("busybox:1");
        string[] tags = ["v1", "v2", "v3", "v4", "v5"];
        foreach (var tag in tags)
        {
            await client.Registry.PushAsync("busybox:1", $"{registry.Host}/paged/app:{tag}");
        }

        // docker-registry 2.8 ignores n for tags: one answer with everything.
        (await client.Registry.ListTagsAsync($"{registry.Host}/paged/app")).Should().BeEquivalentTo(tags);

        // A registry that pages (emulated in the proxy): three pages of at most two, each asked for with last=.
        (await client.Registry.ListTagsAsync($"{proxy.Host}/paged/app")).Should().Equal(tags);
        proxy.Log.Should().Equal(
            "GET /v2/paged/app/tags/list?n=2",
            "GET /v2/paged/app/tags/list?n=2&last=v2",
            "GET /v2/paged/app/tags/list?n=2&last=v4");
    }
}

/// <summary>Reports synchronously, on the reporting thread (<see cref="Progress{T}"/> posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value)
    {
        lock (this)
        {
            report(value);
        }
    }
}
