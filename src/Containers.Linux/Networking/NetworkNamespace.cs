using Containers.Linux.Interop;

namespace Containers.Linux.Networking;

/// <summary>
/// Runs code inside a process's network namespace on a dedicated thread: setns(2) changes only the calling thread, and
/// the thread switches back before it ends, so no pool thread is ever left in a container's namespace.
/// </summary>
internal static class NetworkNamespace
{
    public static Task RunAsync(int pid, Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(pid, action);
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "netns" };
        thread.Start();
        return done.Task;
    }

    private static void Run(int pid, Action action)
    {
        var original = Libc.open("/proc/thread-self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (original < 0)
        {
            throw new NetworkSetupException("opening this thread's network namespace", Errno.Describe(Errno.Last));
        }

        try
        {
            var target = Libc.open($"/proc/{pid}/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            if (target < 0)
            {
                throw new NetworkSetupException($"opening the network namespace of process {pid}", Errno.Describe(Errno.Last));
            }

            try
            {
                if (Libc.setns(target, Libc.CLONE_NEWNET) < 0)
                {
                    throw new NetworkSetupException("entering the container's network namespace", Errno.Describe(Errno.Last));
                }
            }
            finally
            {
                Libc.close(target);
            }

            try
            {
                action();
            }
            finally
            {
                if (Libc.setns(original, Libc.CLONE_NEWNET) < 0)
                {
                    // A thread stuck in the wrong namespace must not run anything else.
                    Environment.FailFast("could not return to the host's network namespace: " + Errno.Describe(Errno.Last));
                }
            }
        }
        finally
        {
            Libc.close(original);
        }
    }
}
