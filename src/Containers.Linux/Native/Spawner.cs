using System.Collections.Concurrent;

namespace Containers.Linux.Native;

/// <summary>
/// Runs every spawn on one long-lived thread. The kernel sends the parent-death signal when the *thread* that
/// cloned a child exits, so spawning from a pool thread that later retires would kill containers early; this
/// thread lives as long as the process, so containers die with the process, as intended.
/// </summary>
internal static class Spawner
{
    private static readonly BlockingCollection<(Func<int> Work, TaskCompletionSource<int> Done)> Queue = [];

    static Spawner()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "containers-spawner" };
        thread.Start();
    }

    public static Task<int> RunAsync(Func<int> work)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add((work, done));
        return done.Task;
    }

    private static void Run()
    {
        foreach (var (work, done) in Queue.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }
}
