namespace Containers.Containers;

/// <summary>Collects a health check's output up to Docker's bound, draining (and dropping) whatever comes after it.</summary>
internal sealed class BoundedOutput
{
    private readonly byte[] _kept = new byte[HealthCheckResult.MaxOutputBytes + 1];
    private int _length;

    /// <summary>Gets the output as Docker shows it: at most 4096 bytes, then <c>...</c> when there was more.</summary>
    public string Text
    {
        get
        {
            lock (_kept)
            {
                return HealthLog.Truncate(_kept, _length);
            }
        }
    }

    public async Task ReadAsync(Stream stream)
    {
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_kept)
            {
                var take = Math.Min(n, _kept.Length - _length);
                buffer.AsSpan(0, take).CopyTo(_kept.AsSpan(_length));
                _length += take;
            }
        }
    }
}
