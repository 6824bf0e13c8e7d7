using Containers.Content;
using Containers.Images;
using Containers.Oci;
using FluentAssertions;
using Xunit;

namespace Containers.Testing;

/// <summary>
/// The contract of <see cref="IContentStore"/>, as tests any implementation runs: derive, implement
/// <see cref="CreateStore"/>, and every case runs against the new store (as containerd's content test suite).
/// </summary>
/// <remarks>Each test gets a fresh, empty store; <see cref="DisposeAsync"/> runs after it.</remarks>
public abstract class ContentStoreConformanceTests : IAsyncLifetime
{
    private IContentStore? _store;

    /// <summary>Gets the store under test.</summary>
    protected IContentStore Store => _store ?? throw new InvalidOperationException("the store is created in InitializeAsync");

    /// <summary>Creates a new, empty store.</summary>
    protected abstract Task<IContentStore> CreateStore();

    /// <inheritdoc/>
    public async Task InitializeAsync() => _store = await CreateStore();

    /// <inheritdoc/>
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_written_blob_reads_back_with_its_size()
    {
        var data = "layer bytes"u8.ToArray();

        var info = await Store.WriteAsync(new MemoryStream(data), Digest.Compute(data), data.Length);

        info.Digest.Should().Be(Digest.Compute(data));
        info.Size.Should().Be(data.Length);
        (await Store.GetInfoAsync(info.Digest))!.Size.Should().Be(data.Length);
        (await Store.ReadAllBytesAsync(info.Digest, 1024)).Should().Equal(data);
    }

    [Fact]
    public async Task A_blob_not_held_has_no_info_and_cannot_be_opened()
    {
        var missing = Digest.Compute("nothing"u8);

        (await Store.GetInfoAsync(missing)).Should().BeNull();
        var open = async () => await Store.OpenReadAsync(missing);
        (await open.Should().ThrowAsync<BlobNotFoundException>()).Which.Digest.Should().Be(missing);
    }

    [Fact]
    public async Task A_writer_without_an_expected_digest_commits_under_the_digest_of_its_bytes()
    {
        var data = new byte[300_000];
        Random.Shared.NextBytes(data);
        await using var writer = await Store.BeginWriteAsync();
        await writer.WriteAsync(data.AsMemory(0, 1000));
        await writer.AsStream().WriteAsync(data.AsMemory(1000));

        var info = await writer.CommitAsync();

        info.Digest.Should().Be(Digest.Compute(data));
        info.Size.Should().Be(data.Length);
        (await Store.ReadAllBytesAsync(info.Digest, data.Length)).Should().Equal(data);
    }

    [Fact]
    public async Task A_blob_whose_digest_does_not_match_is_refused_and_nothing_is_left()
    {
        var claimed = Digest.Compute("what was announced"u8);
        var arrived = "what arrived"u8.ToArray();

        var write = () => Store.WriteAsync(new MemoryStream(arrived), claimed);

        await write.Should().ThrowAsync<DigestMismatchException>();
        (await Store.GetInfoAsync(claimed)).Should().BeNull();
        (await Store.GetInfoAsync(Digest.Compute(arrived))).Should().BeNull("a refused blob is not kept under its real digest either");
        (await Store.ListAsync().ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_blob_of_the_wrong_size_is_refused()
    {
        var data = "12345"u8.ToArray();

        var write = () => Store.WriteAsync(new MemoryStream(data), Digest.Compute(data), expectedSize: 4);

        (await write.Should().ThrowAsync<DigestMismatchException>()).Which.ExpectedSize.Should().Be(4);
        (await Store.GetInfoAsync(Digest.Compute(data))).Should().BeNull();
    }

    [Fact]
    public async Task An_interrupted_writer_leaves_nothing_visible()
    {
        var data = "partial"u8.ToArray();
        await using (var writer = await Store.BeginWriteAsync())
        {
            await writer.WriteAsync(data);
            (await Store.GetInfoAsync(Digest.Compute(data))).Should().BeNull("nothing is visible before commit");
            (await Store.ListAsync().ToListAsync()).Should().BeEmpty();
        }

        (await Store.GetInfoAsync(Digest.Compute(data))).Should().BeNull();
        (await Store.ListAsync().ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_committed_writer_takes_no_more_bytes()
    {
        await using var writer = await Store.BeginWriteAsync();
        await writer.WriteAsync("done"u8.ToArray());
        await writer.CommitAsync();

        var write = async () => await writer.WriteAsync("more"u8.ToArray());

        await write.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_blob_all_succeed_and_store_it_once()
    {
        var data = new byte[1024 * 1024];
        Random.Shared.NextBytes(data);
        var digest = Digest.Compute(data);

        var writes = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var writer = await Store.BeginWriteAsync();
            for (var offset = 0; offset < data.Length; offset += 64 * 1024)
            {
                await writer.WriteAsync(data.AsMemory(offset, 64 * 1024));
            }

            return await writer.CommitAsync(digest, data.Length);
        }));
        var infos = await Task.WhenAll(writes);

        infos.Should().OnlyContain(i => i.Digest == digest && i.Size == data.Length);
        (await Store.ListAsync().ToListAsync()).Select(b => b.Digest).Should().Equal(digest);
        (await Store.ReadAllBytesAsync(digest, data.Length)).Should().Equal(data);
    }

    [Fact]
    public async Task Writing_a_blob_already_held_keeps_one_copy()
    {
        var first = await Store.WriteAsync("same"u8.ToArray());
        var second = await Store.WriteAsync(new MemoryStream("same"u8.ToArray()), first.Digest, first.Size);

        second.Digest.Should().Be(first.Digest);
        (await Store.ListAsync().ToListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task Listing_enumerates_every_blob_with_its_size()
    {
        var blobs = new[] { "a"u8.ToArray(), "bb"u8.ToArray(), new byte[70_000] };
        foreach (var blob in blobs)
        {
            await Store.WriteAsync(blob);
        }

        var listed = await Store.ListAsync().ToListAsync();

        listed.Select(b => (b.Digest, b.Size)).Should().BeEquivalentTo(blobs.Select(b => (Digest.Compute(b), (long)b.Length)));
    }

    [Fact]
    public async Task Delete_removes_a_blob_and_tells_whether_it_was_there()
    {
        var info = await Store.WriteAsync("to delete"u8.ToArray());
        var kept = await Store.WriteAsync("to keep"u8.ToArray());

        (await Store.DeleteAsync(info.Digest)).Should().BeTrue();
        (await Store.DeleteAsync(info.Digest)).Should().BeFalse();

        (await Store.GetInfoAsync(info.Digest)).Should().BeNull();
        (await Store.ListAsync().ToListAsync()).Select(b => b.Digest).Should().Equal(kept.Digest);
    }

    [Fact]
    public async Task A_blob_larger_than_the_caller_allows_is_not_read()
    {
        var info = await Store.WriteAsync(new byte[1000]);

        var read = () => Store.ReadAllBytesAsync(info.Digest, 999);

        await read.Should().ThrowAsync<ContentTooLargeException>();
    }

    [Fact]
    public async Task Concurrent_index_updates_are_never_lost()
    {
        var updates = Enumerable.Range(0, 40).Select(i => Task.Run(() => Store.UpdateIndexAsync(entries =>
        {
            var entry = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(BitConverter.GetBytes(i)), Size = i };
            return ((IReadOnlyList<Descriptor>?)entries.Append(entry).ToList(), 0);
        })));

        await Task.WhenAll(updates);

        (await Store.ReadIndexAsync()).Manifests.Should().HaveCount(40);
    }

    [Fact]
    public async Task An_index_update_that_returns_no_entries_changes_nothing()
    {
        var result = await Store.UpdateIndexAsync(entries => ((IReadOnlyList<Descriptor>?)null, entries.Count));

        result.Should().Be(0);
        (await Store.ReadIndexAsync()).Manifests.Should().BeEmpty();
    }

    [Fact]
    public async Task The_collection_lock_is_shared_by_writers_and_exclusive_for_collection()
    {
        using var writer1 = await Store.AcquireCollectionLockAsync(exclusive: false);
        using var writer2 = await Store.AcquireCollectionLockAsync(exclusive: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var collect = () => Store.AcquireCollectionLockAsync(exclusive: true, timeout.Token);

        await collect.Should().ThrowAsync<OperationCanceledException>("writers hold it");
    }
}
