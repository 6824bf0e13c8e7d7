using Containers.Containers;
using Containers.Hosting;

namespace Containers.Fixtures;

/// <summary>Polls a wait strategy until the container is ready, and fails at once when it exits or the time is up.</summary>
internal static class FixtureWaiter
{
    private const int LogLinesKept = 20;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task WaitAsync(ContainerEngine engine, FixtureContainer container, IWaitStrategy strategy, CancellationToken cancellationToken)
    {
        var context = new WaitContext(engine, container);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var exitedSignal = new CancellationTokenSource();
        Task exited = engine.Containers.WaitAsync(container.Id, stop.Token);
        var watch = exited.ContinueWith(_ => exitedSignal.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            while (true)
            {
                context.Details = await engine.Containers.InspectAsync(container.Id, cancellationToken).ConfigureAwait(false);
                if (!context.Details.State.IsRunning)
                {
                    throw await FailAsync(context, strategy, context.Details.State.ExitCode, null).ConfigureAwait(false);
                }

                if (await CheckAsync(context, strategy, exitedSignal.Token, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                if (context.Elapsed > strategy.Timeout)
                {
                    throw await FailAsync(context, context.Pending ?? strategy, null, null).ConfigureAwait(false);
                }

                // Wake up at once when the container exits instead of sleeping through it.
                await Task.WhenAny(exited, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (exited.IsFaulted)
                {
                    exited = Task.Delay(Timeout.Infinite, stop.Token); // cannot watch the exit: fall back to polling
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false); // the watcher is done with the signal before it is disposed
        }
    }

    /// <summary>Runs one check, abandoned when the container exits meanwhile (the next round reports the exit).</summary>
    private static async Task<bool> CheckAsync(WaitContext context, IWaitStrategy strategy, CancellationToken exited, CancellationToken cancellationToken)
    {
        using var check = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, exited);
        try
        {
            return await strategy.IsReadyAsync(context, check.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (TimeoutException late)
        {
            throw await FailAsync(context, context.Pending ?? strategy, null, late).ConfigureAwait(false);
        }
        catch (WaitFailedException failed)
        {
            throw await FailAsync(context, context.Pending ?? strategy, null, failed).ConfigureAwait(false);
        }
        catch (ContainerCommandException e)
        {
            // A check whose program is not in the image will not succeed later (unless the failure was the container exiting).
            if ((await context.Engine.Containers.InspectAsync(context.Container.Id, CancellationToken.None).ConfigureAwait(false)).State.IsRunning)
            {
                throw await FailAsync(context, strategy, null, e).ConfigureAwait(false);
            }

            return false;
        }
        catch (ContainersException)
        {
            // Most likely the container is exiting under the check (an exec into a dying container); the next round,
            // woken by the exit, reports it, and a lasting failure ends in the timeout.
            return false;
        }
    }

    private static async Task<ContainerWaitException> FailAsync(WaitContext context, IWaitStrategy strategy, int? exitCode, Exception? inner)
    {
        var lines = new List<string>();
        try
        {
            await foreach (var entry in context.Engine.Containers.LogsAsync(context.Container.Id, new LogOptions { Tail = LogLinesKept }, CancellationToken.None).ConfigureAwait(false))
            {
                lines.Add(entry.Text.TrimEnd('\n', '\r'));
            }
        }
        catch (ContainersException)
        {
            // The logs went with the container; the exit code is still worth reporting.
        }

        return new ContainerWaitException(context.Container.Id, context.Container.Name, strategy.Description, exitCode, lines, inner);
    }
}
