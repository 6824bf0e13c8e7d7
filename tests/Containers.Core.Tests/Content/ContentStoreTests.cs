using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Oci;
using Containers.Testing;

namespace Containers.Core.Tests.Content;

/// <summary>What is particular to the OCI-layout store; the contract every store keeps is in <see cref="OciLayoutContentStoreConformanceTests"/>.</summary>
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
    public async Task An_abandoned_writer_leaves_nothing()
    {
        await using (var writer = await _store.BeginWriteAsync())
        {
            await writer.WriteAsync("partial"u8.ToArray());
        }

        Directory.EnumerateFiles(_root.Combine("tmp")).Should().BeEmpty();
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
    public async Task ReclaimAbandonedWrites_removes_the_index_file_a_killed_process_was_writing_but_not_one_being_written()
    {
        // What AtomicFile leaves when its process is killed between writing index.json's replacement and renaming it.
        var dead = _root.Combine("content", ".index.json.0123456789ab.tmp");
        File.WriteAllText(dead, "{\"manifests\":[");

        using (await FileLock.AcquireAsync(_root.Combine("locks", "content-index.lock"), exclusive: true))
        {
            _store.ReclaimAbandonedWrites().Should().Be(0, "while a process holds the index lock, the file may be its write in progress");
            File.Exists(dead).Should().BeTrue();
        }

        _store.ReclaimAbandonedWrites().Should().Be(1);
        File.Exists(dead).Should().BeFalse();
        File.ReadAllText(_root.Combine("content", "index.json")).Should().Contain("\"manifests\":[]", "the index itself is untouched");
    }
}
