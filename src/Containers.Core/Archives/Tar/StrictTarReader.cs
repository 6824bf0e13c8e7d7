namespace Containers.Archives.Tar;

/// <summary>
/// Streams the entries of a tar archive (ustar, GNU or PAX), refusing every construct that two tar readers could
/// read as different files.
/// </summary>
/// <remarks>
/// <para>
/// Image layers are read by many tools (this engine, containerd, podman, scanners). A layer that one of them sees
/// differently from another can hide files from a scanner or smuggle them past a policy, so this reader accepts only
/// archives with one reading. It refuses, with <see cref="InvalidTarException"/> naming the entry:
/// </para>
/// <list type="bullet">
/// <item>a header whose checksum is wrong, or numeric fields with trailing garbage, negative or overflowing values;</item>
/// <item>more than one PAX header, a PAX header together with a GNU long name or long link, or two of either, for one entry;</item>
/// <item>a PAX global header setting anything but <c>comment</c>, a PAX key set twice, empty or malformed PAX values;</item>
/// <item>a PAX <c>size</c> that contradicts the header's size;</item>
/// <item>data on links, directories, devices and FIFOs; sparse files; unknown entry types; a regular file named like a directory;</item>
/// <item>names and link targets with NUL bytes or invalid UTF-8;</item>
/// <item>a lone zero block followed by more headers, and anything but NUL bytes after the end-of-archive marker.</item>
/// </list>
/// <para>PAX values are kept as bytes, so binary extended attributes such as <c>security.capability</c> survive exactly.</para>
/// </remarks>
public sealed class StrictTarReader
{
    // GNU tar's own limit for long names is far higher than PATH_MAX; a megabyte bounds memory against hostile input.
    private const int MaxMetadataSize = 1024 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _block = new byte[TarHeaderFields.BlockSize];
    private EntryDataStream? _current;
    private long _position;
    private bool _ended;

    /// <summary>Initializes a reader over <paramref name="stream"/>, which it reads forward only and does not dispose.</summary>
    public StrictTarReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Retrieves the next entry, skipping whatever data of the previous one was not read.</summary>
    /// <returns>The entry, or <see langword="null"/> when the archive has ended (all remaining bytes were NUL).</returns>
    /// <exception cref="InvalidTarException">The archive is malformed, truncated or ambiguous.</exception>
    public async ValueTask<StrictTarEntry?> GetNextEntryAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return null;
        }

        if (_current is { } previous)
        {
            _current = null;
            await SkipAsync(previous.Remaining + Padding(previous.Length), previous.Name, cancellationToken).ConfigureAwait(false);
        }

        Dictionary<string, byte[]>? pax = null;
        byte[]? longName = null;
        byte[]? longLink = null;
        while (true)
        {
            var where = $"(header at byte {_position})";
            var pending = pax is not null || longName is not null || longLink is not null;
            if (!await ReadBlockAsync(where, cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                return pending ? throw new InvalidTarException(where, "the archive ends after the extended headers of an entry") : null;
            }

            if (TarHeaderFields.IsZero(_block))
            {
                if (pending)
                {
                    throw new InvalidTarException(where, "the end-of-archive marker follows the extended headers of an entry");
                }

                await FinishAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            if (!TarHeaderFields.ChecksumMatches(_block))
            {
                throw new InvalidTarException(where, "its header checksum is wrong");
            }

            var type = (char)_block[156];
            var size = TarHeaderFields.Number(_block.AsSpan(124, 12), where, "size");
            switch (type)
            {
                case 'x':
                    Refuse(pax is not null, where, "it has more than one PAX header");
                    Refuse(longName is not null || longLink is not null, where, "it has both a GNU long name or link and a PAX header");
                    pax = PaxRecords.Parse(await ReadMetadataAsync(size, where, cancellationToken).ConfigureAwait(false), where);
                    break;
                case 'g':
                    Refuse(pending, where, "a PAX global header sits between an entry's headers");
                    var global = PaxRecords.Parse(await ReadMetadataAsync(size, where, cancellationToken).ConfigureAwait(false), where);
                    Refuse(global.Keys.Any(k => k != "comment"), where, $"its PAX global header sets {string.Join(", ", global.Keys.Where(k => k != "comment"))}, which would change how later entries read");
                    break;
                case 'L':
                    Refuse(longName is not null, where, "it has more than one GNU long name");
                    Refuse(pax is not null, where, "it has both a PAX header and a GNU long name");
                    longName = TrimNul(await ReadMetadataAsync(size, where, cancellationToken).ConfigureAwait(false), where);
                    break;
                case 'K':
                    Refuse(longLink is not null, where, "it has more than one GNU long link");
                    Refuse(pax is not null, where, "it has both a PAX header and a GNU long link");
                    longLink = TrimNul(await ReadMetadataAsync(size, where, cancellationToken).ConfigureAwait(false), where);
                    break;
                default:
                    var entry = TarEntryBuilder.Build(_block, type, size, pax, longName, longLink);
                    entry.Data = _current = new EntryDataStream(this, entry.Name, entry.Size);
                    return entry;
            }
        }
    }

    private static void Refuse(bool condition, string entry, string message)
    {
        if (condition)
        {
            throw new InvalidTarException(entry, message);
        }
    }

    private static long Padding(long size) => (TarHeaderFields.BlockSize - (size % TarHeaderFields.BlockSize)) % TarHeaderFields.BlockSize;

    /// <summary>GNU long names end in NUL; anything after an inner NUL would be read by some tools and not others.</summary>
    private static byte[] TrimNul(byte[] data, string where)
    {
        var end = data.Length;
        while (end > 0 && data[end - 1] == 0)
        {
            end--;
        }

        var name = data[..end];
        _ = TarHeaderFields.Utf8(name, where, "GNU long name");
        return name.Length > 0 ? name : throw new InvalidTarException(where, "its GNU long name is empty");
    }

    private async ValueTask<byte[]> ReadMetadataAsync(long size, string where, CancellationToken cancellationToken)
    {
        Refuse(size > MaxMetadataSize, where, $"its extended header is {size} bytes, more than the {MaxMetadataSize} allowed");
        var data = new byte[size];
        await ReadExactlyAsync(data, where, cancellationToken).ConfigureAwait(false);
        await SkipAsync(Padding(size), where, cancellationToken).ConfigureAwait(false);
        return data;
    }

    /// <summary>Reads one header block; false on a clean end of stream at a block boundary.</summary>
    private async ValueTask<bool> ReadBlockAsync(string where, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAtLeastAsync(_block, _block.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read == _block.Length || (read == 0 ? false : throw new InvalidTarException(where, "the archive ends inside a header"));
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> buffer, string where, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        _position += read;
        Refuse(read < buffer.Length, where, "the archive ends inside its data");
    }

    private async ValueTask SkipAsync(long count, string where, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(count, 64 * 1024)];
        while (count > 0)
        {
            var chunk = buffer.AsMemory(0, (int)Math.Min(count, buffer.Length));
            await ReadExactlyAsync(chunk, where, cancellationToken).ConfigureAwait(false);
            count -= chunk.Length;
        }
    }

    /// <summary>After a zero block: a second one ends the archive, and only NUL bytes may follow it.</summary>
    private async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        _ended = true;
        var where = $"(end of archive at byte {_position - TarHeaderFields.BlockSize})";
        if (!await ReadBlockAsync(where, cancellationToken).ConfigureAwait(false))
        {
            return; // a lone zero block at the end: every reader stops here
        }

        Refuse(!TarHeaderFields.IsZero(_block), where, "a single zero block is followed by more headers, which some readers skip and others do not");
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Refuse(buffer.AsSpan(0, read).ContainsAnyExcept((byte)0), where, "non-NUL bytes follow the end-of-archive marker");
        }
    }

    // The data of the current entry: a window on the archive stream that ends at the entry's size.
    private sealed class EntryDataStream(StrictTarReader reader, string name, long length) : Stream
    {
        public string Name => name;

        public long Remaining { get; private set; } = length;

        public override long Length { get; } = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Position
        {
            get => Length - Remaining;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var wanted = (int)Math.Min(buffer.Length, Remaining);
            if (wanted == 0)
            {
                return 0;
            }

            var read = reader._stream.Read(buffer[..wanted]);
            return Advance(read);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var wanted = (int)Math.Min(buffer.Length, Remaining);
            if (wanted == 0)
            {
                return 0;
            }

            var read = await reader._stream.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
            return Advance(read);
        }

        private int Advance(int read)
        {
            if (read == 0)
            {
                throw new InvalidTarException(name, "the archive ends inside its data");
            }

            Remaining -= read;
            reader._position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
