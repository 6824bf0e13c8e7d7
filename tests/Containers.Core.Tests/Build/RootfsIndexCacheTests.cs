using Containers.Build;
using FluentAssertions;
using Xunit;

namespace Containers.Core.Tests.Build;

public sealed class RootfsIndexCacheTests
{
    [Fact]
    public async Task Callers_at_once_share_one_indexing_and_later_callers_reuse_it()
    {
        var cache = new RootfsIndexCache();
        var created = 0;
        var release = new TaskCompletionSource();
        Func<Task<RootfsIndex>> create = async () =>
        {
            Interlocked.Increment(ref created);
            await release.Task;
            return RootfsIndex.Empty;
        };

        var first = cache.GetOrAddAsync("sha256:a", create);
        var second = cache.GetOrAddAsync("sha256:a", create);
        release.SetResult();
        (await first).Should().BeSameAs(await second);
        (await cache.GetOrAddAsync("sha256:a", create)).Should().BeSameAs(await first);
        created.Should().Be(1);
    }

    [Fact]
    public async Task A_failed_indexing_is_not_kept()
    {
        var cache = new RootfsIndexCache();
        var attempts = 0;
        Func<Task<RootfsIndex>> create = () => ++attempts == 1 ? Task.FromException<RootfsIndex>(new IOException("layer unreadable")) : Task.FromResult(RootfsIndex.Empty);

        await cache.Invoking(c => c.GetOrAddAsync("sha256:b", create)).Should().ThrowAsync<IOException>();
        (await cache.GetOrAddAsync("sha256:b", create)).Should().BeSameAs(RootfsIndex.Empty);
        attempts.Should().Be(2);
    }

    [Fact]
    public async Task The_oldest_chains_are_dropped_beyond_the_capacity()
    {
        var cache = new RootfsIndexCache();
        var created = new List<string>();
        Func<string, Func<Task<RootfsIndex>>> create = key => () =>
        {
            created.Add(key);
            return Task.FromResult(RootfsIndex.Empty);
        };

        for (var i = 0; i < 100; i++)
        {
            await cache.GetOrAddAsync($"chain-{i}", create($"chain-{i}"));
        }

        await cache.GetOrAddAsync("chain-99", create("chain-99"));
        await cache.GetOrAddAsync("chain-0", create("chain-0"));
        created.Count(k => k == "chain-99").Should().Be(1, "the newest chain is still cached");
        created.Count(k => k == "chain-0").Should().Be(2, "the oldest chain was dropped and indexed again");
    }
}
