using System.Net.Sockets;
using System.Text;
using Containers.Linux.Interop;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// A pseudo-terminal for a container with <c>process.terminal</c>: the child gets the replica as its standard streams
/// and controlling terminal, and the primary end goes to the engine over <c>--console-socket</c> (SCM_RIGHTS), as runc
/// sends it to conmon.
/// </summary>
internal sealed unsafe class ConsoleTerminal : IDisposable
{
    private const int SolSocket = 1;
    private const int ScmRights = 1;

    private ConsoleTerminal(int primary, int replica, string replicaPath)
    {
        Primary = primary;
        Replica = replica;
        ReplicaPath = replicaPath;
    }

    /// <summary>Gets the primary (master) end, kept by the engine.</summary>
    public int Primary { get; private set; }

    /// <summary>Gets the replica (slave) end, the container's stdio.</summary>
    public int Replica { get; private set; }

    /// <summary>Gets the replica's path on the host, bound to the container's /dev/console.</summary>
    public string ReplicaPath { get; }

    /// <summary>
    /// Opens a new pseudo-terminal from the devpts instance seen under <paramref name="root"/>: the host's for a new
    /// container, <c>/proc/PID/root</c> for an exec, whose terminal must be one of the container's own (programs such as
    /// tty look its name up in the container's /dev/pts).
    /// </summary>
    public static ConsoleTerminal Open(string root = "")
    {
        var primary = Errno.Check(Libc.open(root + "/dev/ptmx", Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0), $"opening {root}/dev/ptmx");
        try
        {
            int unlock = 0, number = 0;
            Errno.Check(Libc.ioctl(primary, Libc.TIOCSPTLCK, &unlock), "unlocking the pseudo-terminal");
            Errno.Check(Libc.ioctl(primary, Libc.TIOCGPTN, &number), "reading the pseudo-terminal's number");
            var path = root + "/dev/pts/" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var replica = Errno.Check(Libc.open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0), "opening " + path);
            return new ConsoleTerminal(primary, replica, path);
        }
        catch
        {
            Libc.close(primary);
            throw;
        }
    }

    /// <summary>Connects to the engine's socket and passes it the primary end.</summary>
    public void SendPrimary(string socketPath)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            throw new OciRuntimeException($"connecting to the console socket {socketPath} failed: {e.Message}");
        }

        // runc sends the terminal's name as the payload; conmon only takes the descriptor.
        var name = Encoding.UTF8.GetBytes("/dev/ptmx");
        var control = stackalloc byte[24];
        new Span<byte>(control, 24).Clear();
        *(ulong*)control = 20;
        *(int*)(control + 8) = SolSocket;
        *(int*)(control + 12) = ScmRights;
        *(int*)(control + 16) = Primary;
        fixed (byte* data = name)
        {
            var iov = new Libc.IoVector { Base = data, Length = (nuint)name.Length };
            var message = new Libc.MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = 24 };
            if (Libc.sendmsg((int)socket.Handle, &message, 0) < 0)
            {
                throw new OciRuntimeException($"sending the terminal to {socketPath} failed: {Errno.Describe(Errno.Last)}");
            }
        }
    }

    /// <summary>Closes the replica once the child holds its own copy.</summary>
    public void CloseReplica()
    {
        if (Replica >= 0)
        {
            Libc.close(Replica);
            Replica = -1;
        }
    }

    public void Dispose()
    {
        CloseReplica();
        if (Primary >= 0)
        {
            Libc.close(Primary);
            Primary = -1;
        }
    }
}
