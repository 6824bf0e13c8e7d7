using System.Runtime.InteropServices;
using Containers.Containers;

namespace Containers.Cli.Cli;

/// <summary>
/// Forwards the signals this process receives (Ctrl-C's SIGINT, SIGTERM, SIGHUP, SIGQUIT) to an attached container
/// while it runs, as <c>docker run</c> and podman's <c>--sig-proxy</c> do: the container decides how to end (a
/// <c>trap</c> sees INT), and this command waits for it, then cleans up as usual instead of dying and killing it.
/// </summary>
internal sealed class SignalProxy : IDisposable
{
    private static int s_active;
    private readonly PosixSignalRegistration[] _registrations;

    public SignalProxy(IContainerService containers, string id)
    {
        Interlocked.Increment(ref s_active);
        _registrations =
        [
            Register(PosixSignal.SIGINT, "INT"),
            Register(PosixSignal.SIGTERM, "TERM"),
            Register(PosixSignal.SIGHUP, "HUP"),
            Register(PosixSignal.SIGQUIT, "QUIT"),
        ];

        PosixSignalRegistration Register(PosixSignal signal, string name) => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            _ = ForwardAsync(containers, id, name);
        });
    }

    /// <summary>Gets a value indicating whether a proxy is forwarding, so Ctrl-C must not cancel the command itself.</summary>
    public static bool Active => Volatile.Read(ref s_active) > 0;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        Interlocked.Decrement(ref s_active);
    }

    private static async Task ForwardAsync(IContainerService containers, string id, string signal)
    {
        try
        {
            await containers.KillAsync(id, signal, CancellationToken.None);
        }
        catch (ContainersException)
        {
            // It exited meanwhile: nothing to forward to.
        }
    }
}
