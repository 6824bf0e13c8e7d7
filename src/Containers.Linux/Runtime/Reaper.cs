using Containers.Linux.Native;

namespace Containers.Linux.Runtime;

/// <summary>Waits for a child on a thread of its own (a kept one, see <see cref="BlockingThreads"/>), so its exit status is collected (and no zombie is left) as soon as it exits.</summary>
internal static class Reaper
{
    public static Task<int> WaitAsync(int pid)
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        BlockingThreads.Run(() =>
        {
            var rc = NativeMethods.Wait(pid, out var status);
            exited.SetResult(rc == 0 ? status : 255);
        });
        return exited.Task;
    }
}
