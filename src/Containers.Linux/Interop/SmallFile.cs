using Microsoft.Win32.SafeHandles;

namespace Containers.Linux.Interop;

/// <summary>
/// Reads small kernel files (<c>/proc</c>, <c>/sys</c>) into a caller's buffer: a host-wide scan reads hundreds of them,
/// and a <see cref="FileStream"/> with its reader buffers per file made that scan mostly allocation and GC work.
/// </summary>
internal static class SmallFile
{
    /// <summary>Reads up to <paramref name="buffer"/>'s length from the start of the file and returns the bytes read.</summary>
    /// <exception cref="IOException">The file cannot be opened or read (a process that exited meanwhile, say).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static int Read(string path, Span<byte> buffer)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[filled..], filled);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>Tells whether the file begins with <paramref name="prefix"/>, reading no more than its length.</summary>
    public static bool StartsWith(string path, ReadOnlySpan<byte> prefix)
    {
        Span<byte> buffer = stackalloc byte[prefix.Length];
        return Read(path, buffer) == prefix.Length && buffer.SequenceEqual(prefix);
    }
}
