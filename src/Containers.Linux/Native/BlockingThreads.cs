using System.Collections.Concurrent;

namespace Containers.Linux.Native;

/// <summary>
/// Runs blocking work (waiting for a child to exit, reading a pipe to its end) on dedicated threads that are kept and
/// reused, so it holds no thread-pool thread and a container start does not wait for a new thread to be scheduled.
/// </summary>
/// <remarks>
/// <see cref="Thread.Start()"/> returns only once the new thread runs: a thread per container process and per output
/// pipe cost a start 2-8 ms each on a loaded two-core host. A thread that finishes its work waits for the next item;
/// beyond <see cref="MaxIdle"/> idle threads it ends.
/// </remarks>
internal static class BlockingThreads
{
    private const int MaxIdle = 32;
    private static readonly ConcurrentStack<Worker> Idle = new();

    /// <summary>Runs <paramref name="work"/> on an idle kept thread, or on a new one when none is idle.</summary>
    public static void Run(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Idle.TryPop(out var worker))
        {
            worker = new Worker();
        }

        worker.Assign(work);
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _assigned = new(0);
        private Action? _work;

        public Worker()
        {
            new Thread(Loop) { IsBackground = true, Name = "containers-blocking" }.Start();
        }

        public void Assign(Action work)
        {
            _work = work;
            _assigned.Release();
        }

        private void Loop()
        {
            while (true)
            {
                _assigned.Wait();
                var work = Interlocked.Exchange(ref _work, null)!;
                work(); // the work handles its own errors, as a thread of its own had to
                if (Idle.Count >= MaxIdle)
                {
                    return;
                }

                Idle.Push(this);
            }
        }
    }
}
