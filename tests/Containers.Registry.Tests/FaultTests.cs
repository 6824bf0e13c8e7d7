using Containers.Hosting;
using Containers.Images;
using Containers.Oci;
using Containers.Registry.Hosting;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>A misbehaving proxy in front of the real registry: pulls recover, or fail with a clear error and a clean store.</summary>
public sealed class FaultTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private string ViaProxy(FaultProxy proxy) => fixture.Reference.Replace(fixture.Server.Host, proxy.Host, StringComparison.Ordinal);

    private static bool IsLayer(System.Net.HttpListenerRequest request, RegistryFixture fixture) =>
        request.RawUrl!.Contains(fixture.Image.Layers[0].Descriptor.Digest.Encoded, StringComparison.Ordinal);

    [Fact]
    public async Task Pulls_ride_out_503s_and_429s()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (n, _) => n switch
        {
            1 or 2 => new Fault { Status = 503 },
            3 => new Fault { Status = 429, RetryAfter = 0 },
            _ => Fault.None,
        };
        await using var client = ClientEngine.Create();

        (await client.Registry.PullAsync(ViaProxy(proxy))).Id.Should().Be(fixture.Image.Id);
        proxy.Requests.Should().BeGreaterThan(3);
    }

    [Fact]
    public async Task Concurrent_pulls_into_one_root_fetch_each_blob_once()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        var blobGets = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        proxy.Policy = (_, request) =>
        {
            if (request.HttpMethod == "GET" && request.RawUrl!.Contains("/blobs/", StringComparison.Ordinal))
            {
                blobGets.AddOrUpdate(request.RawUrl, 1, (_, n) => n + 1);
            }

            return Fault.None;
        };
        await using var first = ClientEngine.Create();

        // A second engine on the same root, as another process would be, and two pulls within each.
        await using var second = ContainerEngine.Create(new ContainersOptions { Root = first.Root }, b => b.AddRegistryClient(o => o.RetryDelay = TimeSpan.FromMilliseconds(20)));
        var pulls = await Task.WhenAll(
            first.Registry.PullAsync(ViaProxy(proxy)),
            first.Registry.PullAsync(ViaProxy(proxy)),
            second.Registry().PullAsync(ViaProxy(proxy)),
            second.Registry().PullAsync(ViaProxy(proxy)));

        pulls.Should().OnlyContain(image => image.Id == fixture.Image.Id);
        blobGets.Should().HaveCount(fixture.Image.Layers.Count + 1, "the configuration and each layer").And.OnlyContain(entry => entry.Value == 1, "each blob is downloaded once");
    }

    [Fact]
    public async Task A_blob_cut_off_mid_body_is_resumed_with_a_range_request()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        var cut = 0;
        proxy.Policy = (_, request) => IsLayer(request, fixture) && request.Headers["Range"] is null && Interlocked.Increment(ref cut) == 1
            ? new Fault { CutAfter = 300_000 }
            : Fault.None;
        await using var client = ClientEngine.Create();

        (await client.Registry.PullAsync(ViaProxy(proxy))).Id.Should().Be(fixture.Image.Id);
        proxy.RangeHeaders.Should().ContainSingle().Which.Should().StartWith("bytes=").And.EndWith("-");
    }

    [Fact]
    public async Task A_registry_that_keeps_failing_gives_a_clear_error_and_stores_nothing()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (_, _) => new Fault { Status = 503 };
        await using var client = ClientEngine.Create(o => o.MaxRetries = 2);
        var before = StoreSnapshot.Take(client.Root);

        var act = () => client.Registry.PullAsync(ViaProxy(proxy));

        var error = (await act.Should().ThrowAsync<RegistryUnavailableException>()).Which;
        error.StatusCode.Should().Be(System.Net.HttpStatusCode.ServiceUnavailable);
        error.IsTransient.Should().BeTrue();
        proxy.Requests.Should().Be(3, "one attempt and two retries");
        StoreSnapshot.Take(client.Root).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Corrupt_blobs_never_enter_the_store()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (_, request) => IsLayer(request, fixture) ? new Fault { Replace = b => [.. b[..^1], (byte)(b[^1] ^ 1)] } : Fault.None;
        await using var client = ClientEngine.Create();

        var act = () => client.Registry.PullAsync(ViaProxy(proxy));

        await act.Should().ThrowAsync<DigestMismatchException>();
        (await client.Engine.Content.GetInfoAsync(fixture.Image.Layers[0].Descriptor.Digest)).Should().BeNull();
        (await client.Engine.Images.ListAsync()).Should().BeEmpty();
        Directory.EnumerateFiles(Path.Combine(client.Root, "tmp")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_registry_that_sends_more_than_the_blob_size_is_caught()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (_, request) => IsLayer(request, fixture) ? new Fault { Replace = b => [.. b, .. new byte[1000]] } : Fault.None;
        await using var client = ClientEngine.Create();

        var act = () => client.Registry.PullAsync(ViaProxy(proxy));

        (await act.Should().ThrowAsync<DigestMismatchException>()).Which.ExpectedSize.Should().Be(fixture.Image.Layers[0].Descriptor.Size);
    }

    [Fact]
    public async Task A_manifest_that_does_not_match_its_digest_is_refused()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (_, request) => request.RawUrl!.Contains("/manifests/", StringComparison.Ordinal)
            ? new Fault { Replace = b => [.. b, (byte)' '] }
            : Fault.None;
        await using var client = ClientEngine.Create();
        var byDigest = $"{proxy.Host}/library/busybox@{fixture.Image.ManifestDescriptor.Digest}";

        var act = () => client.Registry.PullAsync(byDigest);

        (await act.Should().ThrowAsync<DigestMismatchException>()).Which.Expected.Should().Be(fixture.Image.ManifestDescriptor.Digest);
        (await client.Engine.Images.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task An_oversized_manifest_is_refused_before_it_is_read()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (_, request) => request.RawUrl!.Contains("/manifests/", StringComparison.Ordinal)
            ? new Fault { Replace = _ => new byte[ContentLimits.MaxManifestSize + 1] }
            : Fault.None;
        await using var client = ClientEngine.Create();

        var act = () => client.Registry.PullAsync(ViaProxy(proxy));

        await act.Should().ThrowAsync<ContentTooLargeException>();
    }

    [Fact]
    public async Task A_malformed_manifest_is_a_typed_error()
    {
        await using var proxy = new FaultProxy(fixture.Server.BaseUri);
        proxy.Policy = (_, request) => request.RawUrl!.Contains("/manifests/", StringComparison.Ordinal)
            ? new Fault { Replace = _ => """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}}"""u8.ToArray() }
            : Fault.None;
        await using var client = ClientEngine.Create();

        var act = () => client.Registry.PullAsync(ViaProxy(proxy));

        await act.Should().ThrowAsync<InvalidManifestException>();
    }

    [Fact]
    public async Task A_registry_that_cannot_be_reached_is_reported_as_unavailable()
    {
        await using var client = ClientEngine.Create(o => o.MaxRetries = 1);
        var act = () => client.Registry.PullAsync($"127.0.0.1:{RegistryServer.FreePort()}/library/busybox:1");
        (await act.Should().ThrowAsync<RegistryUnavailableException>()).Which.Message.Should().Contain("could not be reached");
    }
}
