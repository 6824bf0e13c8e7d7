using System.Collections.Concurrent;

namespace Containers.Build;

/// <summary>
/// The merged file trees of layer chains, kept for the engine's lifetime: a rebuild resolves its COPY steps without
/// reading its base layers again (indexing a Debian base reads about 100 MB of tar).
/// </summary>
/// <remarks>
/// A chain is named by the digests of its layers, which fix its content, so an entry never goes stale; the cache only
/// bounds its size, dropping the oldest chains first. A failed or cancelled indexing is not kept.
/// </remarks>
internal sealed class RootfsIndexCache
{
    private const int Capacity = 64;
    private readonly ConcurrentDictionary<string, Lazy<Task<RootfsIndex>>> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>Returns the index of <paramref name="key"/>'s chain, creating it with <paramref name="create"/> once however many callers ask.</summary>
    public async Task<RootfsIndex> GetOrAddAsync(string key, Func<Task<RootfsIndex>> create)
    {
        var added = false;
        var lazy = _indexes.GetOrAdd(key, _ =>
        {
            added = true;
            return new Lazy<Task<RootfsIndex>>(create);
        });
        if (added)
        {
            _order.Enqueue(key);
            while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                _indexes.TryRemove(oldest, out _);
            }
        }

        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            _indexes.TryRemove(new KeyValuePair<string, Lazy<Task<RootfsIndex>>>(key, lazy));
            throw;
        }
    }
}
