using System.Runtime.InteropServices;

namespace Containers.Cli.Cli;

/// <summary>
/// Takes back SIGINT and SIGQUIT when this process was started with them ignored, as a shell does for a command it
/// runs in the background (<c>cmd &amp;</c> without job control). .NET leaves an inherited SIG_IGN alone, so neither
/// Ctrl-C handling nor <see cref="SignalProxy"/> would ever see the signal, and an attached container that a
/// <c>kill -INT</c> should end would run on. Go programs such as docker and podman un-ignore SIGINT the same way
/// when they ask for it (<c>signal.Notify</c>).
/// </summary>
internal static partial class InheritedSignals
{
    private const int SigInt = 2;
    private const int SigQuit = 3;
    private static readonly nint SigDefault = 0;
    private static readonly nint SigIgnore = 1;

    /// <summary>Restores the default action of SIGINT and SIGQUIT where they were inherited as ignored; call before .NET installs its handlers.</summary>
    public static void ReclaimIgnored()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // struct sigaction starts with the handler on every Linux ABI glibc and musl support; 256 bytes hold the rest.
        Span<nint> current = stackalloc nint[32];
        foreach (var signal in (ReadOnlySpan<int>)[SigInt, SigQuit])
        {
            if (QueryAction(signal, 0, ref current[0]) == 0 && current[0] == SigIgnore)
            {
                SetAction(signal, SigDefault);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sigaction")]
    private static partial int QueryAction(int signal, nint newAction, ref nint oldAction);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetAction(int signal, nint handler);
}
