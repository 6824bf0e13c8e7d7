using System.Buffers;
using System.Threading.Channels;
using Containers.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containers.Linux.Native;

/// <summary>
/// The read end of a pipe as a stream whose asynchronous reads hold no thread-pool thread: a dedicated thread (a kept
/// one, see <see cref="BlockingThreads"/>) blocks in read(2) and hands the chunks over.
/// </summary>
/// <remarks>
/// <see cref="FileStream"/>'s asynchronous reads of a pipe block a pool thread until data comes, so each running
/// container held two for its whole life (stdout and stderr), and on a two-core host the pool then waited for thread
/// injection (0.5-1 s) before running anyone's continuations: a fixture's readiness poll took a second instead of 100 ms.
/// </remarks>
internal sealed class PipeReadStream : Stream
{
    private const int ChunkSize = 64 * 1024;
    private readonly SafeFileHandle _handle;
    private readonly Channel<(byte[] Buffer, int Count)> _chunks =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _disposed = new();
    private (byte[] Buffer, int Count)? _current;
    private int _offset;
    private int _errno;

    /// <summary>Takes ownership of <paramref name="fd"/> and starts reading it.</summary>
    public PipeReadStream(int fd)
    {
        _handle = new SafeFileHandle(fd, ownsHandle: true);
        BlockingThreads.Run(Pump);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (buffer.Length == 0)
        {
            return 0;
        }

        if (_current is null)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !_chunks.Reader.TryRead(out var next))
            {
                return _errno == 0 ? 0 : throw new IOException($"reading a container's output pipe failed: {Errno.Describe(_errno)}");
            }

            _current = next;
            _offset = 0;
        }

        var (chunk, count) = _current.Value;
        var copied = Math.Min(count - _offset, buffer.Length);
        chunk.AsSpan(_offset, copied).CopyTo(buffer.Span);
        _offset += copied;
        if (_offset == count)
        {
            ArrayPool<byte>.Shared.Return(chunk);
            _current = null;
        }

        return copied;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed.IsCancellationRequested)
        {
            // The descriptor closes once the reader thread's blocked read returns (it holds a reference to the handle).
            _disposed.Cancel();
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }

    private unsafe void Pump()
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var fd = (int)_handle.DangerousGetHandle();
            while (!_disposed.IsCancellationRequested)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                nint read;
                fixed (byte* start = buffer)
                {
                    do
                    {
                        read = Libc.read(fd, start, buffer.Length);
                    }
                    while (read < 0 && Errno.Last == Errno.EINTR);
                }

                if (read <= 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    _errno = read < 0 ? Errno.Last : 0;
                    break;
                }

                try
                {
                    _chunks.Writer.WriteAsync((buffer, (int)read), _disposed.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
            }
        }
        finally
        {
            _chunks.Writer.TryComplete();
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }
}
