using System.Runtime.InteropServices;
using System.Text;
using Containers.Linux.Interop;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// Writes cgroup control files and remembers what each held before its first write, so a failed <c>update</c> can put
/// them back: runc sets the previous resources again when setting the new ones fails, and the update has no effect.
/// </summary>
internal sealed class CgroupWriteJournal
{
    private readonly List<(string Path, string Value)> _originals = [];

    /// <summary>Writes <paramref name="value"/> to the file; returns 0 or the errno of the open or the write (and which one failed).</summary>
    public (int Errno, string Operation) TryWrite(string path, string value)
    {
        if (_originals.All(o => o.Path != path) && ReadOrNull(path) is { } original)
        {
            _originals.Add((path, original));
        }

        return Write(path, value);
    }

    /// <summary>Writes the file, throwing runc's message on failure: <c>failed to write "VALUE": write PATH: invalid argument</c>.</summary>
    /// <exception cref="OciRuntimeException">The kernel refused the value, or the file does not exist.</exception>
    public void WriteOrThrow(string path, string value)
    {
        var (errno, operation) = TryWrite(path, value);
        if (errno != 0)
        {
            throw Failure(path, value, errno, operation);
        }
    }

    /// <summary>Builds runc's error for a refused write.</summary>
    public static OciRuntimeException Failure(string path, string value, int errno, string operation)
    {
        var reason = Marshal.GetPInvokeErrorMessage(errno);
        reason = reason.Length > 0 ? char.ToLowerInvariant(reason[0]) + reason[1..] : reason;
        return new OciRuntimeException($"failed to write \"{value}\": {operation} {path}: {reason}");
    }

    /// <summary>Writes back every file's first value, latest first; a value the kernel refuses now is left as it is.</summary>
    public void Rollback()
    {
        for (var i = _originals.Count - 1; i >= 0; i--)
        {
            Write(_originals[i].Path, _originals[i].Value);
        }
    }

    /// <summary>Reads a control file's first line (the form it is written in), or null when it cannot be read.</summary>
    public static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path).Split('\n')[0].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static unsafe (int Errno, string Operation) Write(string path, string value)
    {
        var fd = Libc.open(path, Libc.O_WRONLY | Libc.O_TRUNC | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            return (Errno.Last, "open");
        }

        try
        {
            var bytes = Encoding.ASCII.GetBytes(value);
            fixed (byte* data = bytes)
            {
                return Libc.write(fd, data, bytes.Length) < 0 ? (Errno.Last, "write") : (0, "write");
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }
}
