using Containers.Content;
using Containers.Images;
using Containers.Oci;
using Containers.Testing;

namespace Containers.Core.Tests.Content;

public sealed class ContentStoreTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly OciLayoutContentStore _store;

    public ContentStoreTests()
    {
        _store = new OciLayoutContentStore(_root.Combine("content"), _root.Combine("tmp"), _root.Combine("locks"));
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_new_store_is_an_oci_layout()
    {
        File.ReadAllText(_root.Combine("content", "oci-layout")).Should().Contain("\"imageLayoutVersion\":\"1.0.0\"");
        File.ReadAllText(_root.Combine("content", "index.json")).Should().Contain("\"manifests\":[]");
        Directory.Exists(_root.Combine("content", "blobs", "sha256")).Should().BeTrue();
    }

    [Fact]
    public async Task WriteAsync_stores_a_verified_blob_at_its_digest_path()
    {
        var data = "layer bytes"u8.ToArray();
        var digest = Digest.Compute(data);

        var info = await _store.WriteAsync(new MemoryStream(data), digest, data.Length);

        info.Should().BeEquivalentTo(new { Digest = digest, Size = (long)data.Length });
        File.ReadAllBytes(_root.Combine("content", "blobs", "sha256", digest.Encoded)).Should().Equal(data);
        await using var read = await _store.OpenReadAsync(digest);
        new StreamReader(read).ReadToEnd().Should().Be("layer bytes");
        (await _store.ListAsync().ToListAsync()).Select(b => b.Digest).Should().Equal(digest);
    }

    [Fact]
    public async Task A_blob_that_fails_verification_never_becomes_visible()
    {
        var claimed = Digest.Compute("what was announced"u8);

        var act = () => _store.WriteAsync(new MemoryStream("what arrived"u8.ToArray()), claimed);

        await act.Should().ThrowAsync<DigestMismatchException>();
        (await _store.GetInfoAsync(claimed)).Should().BeNull();
        Directory.EnumerateFiles(_root.Combine("content", "blobs"), "*", SearchOption.AllDirectories).Should().BeEmpty();
        Directory.EnumerateFiles(_root.Combine("tmp")).Should().BeEmpty("the temporary file is removed");
    }

    [Fact]
    public async Task A_blob_of_the_wrong_size_is_refused()
    {
        var data = "12345"u8.ToArray();
        var act = () => _store.WriteAsync(new MemoryStream(data), Digest.Compute(data), expectedSize: 4);
        (await act.Should().ThrowAsync<DigestMismatchException>()).Which.ExpectedSize.Should().Be(4);
    }

    [Fact]
    public async Task An_abandoned_writer_leaves_nothing()
    {
        await using (var writer = await _store.BeginWriteAsync())
        {
            await writer.WriteAsync("partial"u8.ToArray());
        }

        Directory.EnumerateFiles(_root.Combine("tmp")).Should().BeEmpty();
    }

    [Fact]
    public async Task OpenReadAsync_reports_a_missing_blob()
    {
        var missing = Digest.Compute("nothing"u8);
        var act = async () => await _store.OpenReadAsync(missing);
        (await act.Should().ThrowAsync<BlobNotFoundException>()).Which.Digest.Should().Be(missing);
    }

    [Fact]
    public async Task ReadAllBytesAsync_refuses_blobs_over_the_limit()
    {
        var info = await _store.WriteAsync(new byte[1000]);
        var act = () => _store.ReadAllBytesAsync(info.Digest, 999);
        await act.Should().ThrowAsync<ContentTooLargeException>();
    }

    [Fact]
    public async Task ReclaimAbandonedWrites_removes_only_writes_whose_owner_is_gone()
    {
        var dead = _root.Combine("tmp", "ingest-deadbeef");
        File.WriteAllText(dead, "left by a killed process");
        await using var live = await _store.BeginWriteAsync();
        await live.WriteAsync("in progress"u8.ToArray());

        _store.ReclaimAbandonedWrites().Should().Be(1);

        File.Exists(dead).Should().BeFalse();
        Directory.EnumerateFiles(_root.Combine("tmp")).Should().ContainSingle("the live writer's file stays");
    }

    [Fact]
    public async Task Concurrent_index_updates_are_never_lost()
    {
        var updates = Enumerable.Range(0, 40).Select(i => Task.Run(() => _store.UpdateIndexAsync(entries =>
        {
            var entry = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(BitConverter.GetBytes(i)), Size = i };
            return ((IReadOnlyList<Descriptor>?)entries.Append(entry).ToList(), 0);
        })));

        await Task.WhenAll(updates);

        (await _store.ReadIndexAsync()).Manifests.Should().HaveCount(40);
    }

    [Fact]
    public async Task The_collection_lock_is_shared_by_writers_and_exclusive_for_collection()
    {
        using var writer1 = await _store.AcquireCollectionLockAsync(exclusive: false);
        using var writer2 = await _store.AcquireCollectionLockAsync(exclusive: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var collect = () => _store.AcquireCollectionLockAsync(exclusive: true, timeout.Token);

        await collect.Should().ThrowAsync<OperationCanceledException>("writers hold it");
    }
}
