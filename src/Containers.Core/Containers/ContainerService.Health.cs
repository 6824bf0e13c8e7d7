using Containers.Oci;
using Containers.Oci.Runtime;
using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>
/// Health checks: each is an exec in the container, bounded by its timeout. This process runs them on a timer for the
/// containers it holds; a detached container's monitor runs them for it. Both append to the same results file.
/// </summary>
internal sealed partial class ContainerService
{
    private string HealthPath(string id) => Path.Combine(_store.DirectoryOf(id), HealthLog.FileName);

    /// <summary>Computes a container's health from its results file; null without a check or before its first start.</summary>
    private ContainerHealth? HealthOf(ContainerRecord record, ContainerState state) =>
        record.HealthCheck is { } check && state.StartedAt is { } startedAt
            ? HealthLog.Compute(check, startedAt, HealthLog.Read(HealthPath(record.Id)))
            : null;

    /// <summary>Starts the container's run with an empty results file, so its health starts over, as Docker's does.</summary>
    private void ResetHealth(string id) => File.Delete(HealthPath(id));

    /// <summary>The check's process: the container's own (user, capabilities, environment) running the check's command.</summary>
    private static RuntimeProcess HealthProcess(ContainerRecord record, RuntimeSpec spec)
    {
        var main = spec.Process ?? throw new InvalidContainerConfigurationException("process", "the container's specification has no process");
        return main with { Args = record.HealthCommand ?? [], Terminal = false };
    }

    /// <summary>What the monitor of a detached container needs to run its checks, or null when it has none.</summary>
    private DetachedHealthCheck? DetachedHealth(ContainerRecord record, RuntimeSpec spec) =>
        record.HealthCheck is { } check
            ? new DetachedHealthCheck(HealthProcess(record, spec), check, HealthPath(record.Id), Path.Combine(_store.DirectoryOf(record.Id), "health.plan"))
            : null;

    /// <summary>Runs the checks of a container this process holds until it exits.</summary>
    private void StartHealthChecks(ContainerRecord record, RunningContainer running, RuntimeSpec spec, ContainerState state)
    {
        if (record.HealthCheck is not { } check)
        {
            return;
        }

        var stop = new CancellationTokenSource();
        _ = running.Exited.ContinueWith(_ => stop.Cancel(), TaskScheduler.Default);
        _ = RunHealthLoopAsync(record, check, spec, state, stop);
    }

    private async Task RunHealthLoopAsync(ContainerRecord record, HealthCheckConfig check, RuntimeSpec spec, ContainerState state, CancellationTokenSource stop)
    {
        using (stop)
        {
            try
            {
                var startedAt = state.StartedAt ?? DateTimeOffset.UtcNow;
                var health = HealthStatus.Starting;
                while (!stop.IsCancellationRequested)
                {
                    var inStartPeriod = health == HealthStatus.Starting && DateTimeOffset.UtcNow - startedAt < check.StartPeriod;
                    await Task.Delay(inStartPeriod ? check.StartInterval!.Value : check.Interval!.Value, stop.Token).ConfigureAwait(false);
                    var result = await RunCheckOnceAsync(record, spec, state, check, stop.Token).ConfigureAwait(false);
                    if (stop.IsCancellationRequested)
                    {
                        break; // the container exited during the check: its failure says nothing about its health
                    }

                    await HealthLog.AppendAsync(HealthPath(record.Id), result, CancellationToken.None).ConfigureAwait(false);
                    health = HealthOf(record, state)?.Status ?? HealthStatus.None;
                }
            }
            catch (OperationCanceledException)
            {
                // The container exited.
            }
            catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
            {
                LogHealthFailed(_logger, record.Id, e);
            }
        }
    }

    public async Task<HealthCheckResult> RunHealthCheckAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        if (record.HealthCheck is not { } check)
        {
            throw new InvalidContainerConfigurationException("healthcheck", $"Container {record.Id[..12]} has no health check");
        }

        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        if (state.Status != ContainerStatus.Running)
        {
            throw new ContainerStateException(record.Id, state.Status, $"Container {record.Id[..12]} is not running");
        }

        var spec = OciSerializer.ReadRuntimeSpec(await File.ReadAllBytesAsync(Path.Combine(_store.DirectoryOf(record.Id), "config.json"), cancellationToken).ConfigureAwait(false));
        var result = await RunCheckOnceAsync(record, spec, state, check, cancellationToken).ConfigureAwait(false);
        await HealthLog.AppendAsync(HealthPath(record.Id), result, CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs one check as an exec; one that outlives its timeout is killed with what it started, and fails.</summary>
    private async Task<HealthCheckResult> RunCheckOnceAsync(ContainerRecord record, RuntimeSpec spec, ContainerState state, HealthCheckConfig check, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow;
        IRuntimeProcess process;
        try
        {
            process = await _runtime.ExecAsync(new ExecRequest
            {
                ContainerPid = state.Pid,
                ContainerStartTime = state.PidStartTime,
                ContainerSpec = spec,
                Process = HealthProcess(record, spec),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainersException e) when (e is ContainerCommandException or ContainerStartException)
        {
            // Docker records a check that could not start as a failure (-1) with the error as its output.
            return new HealthCheckResult { Start = start, End = DateTimeOffset.UtcNow, ExitCode = -1, Output = e.Message };
        }

        await using (process.ConfigureAwait(false))
        {
            var output = new BoundedOutput();
            var pumps = Task.WhenAll(output.ReadAsync(process.StandardOutput), output.ReadAsync(process.StandardError));
            var timeout = check.Timeout ?? HealthCheckConfig.DefaultTimeout;
            try
            {
                var exitCode = await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                await pumps.WaitAsync(timeout - (DateTimeOffset.UtcNow - start), cancellationToken).ConfigureAwait(false);
                return new HealthCheckResult { Start = start, End = DateTimeOffset.UtcNow, ExitCode = exitCode, Output = output.Text };
            }
            catch (Exception e) when (e is TimeoutException or ArgumentOutOfRangeException)
            {
                await KillTreeAsync(record.Id, process.Pid).ConfigureAwait(false);
                return new HealthCheckResult { Start = start, End = DateTimeOffset.UtcNow, ExitCode = -1, Output = $"Health check exceeded timeout ({GoDuration.Format(timeout)})" };
            }
        }
    }

    /// <summary>Kills a check and every process it started (they are in the container's cgroup), children first.</summary>
    private async Task KillTreeAsync(string id, int pid)
    {
        var processes = await _runtime.GetProcessesAsync(CgroupsPath(id), CancellationToken.None).ConfigureAwait(false);
        var tree = new List<int> { pid };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(processes.Where(p => p.ParentPid == tree[i] && !tree.Contains(p.Pid)).Select(p => p.Pid));
        }

        foreach (var member in Enumerable.Reverse(tree))
        {
            _runtime.Signal(member, 0, Signals.Kill);
        }
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Health checks of container {Id} stopped")]
    private static partial void LogHealthFailed(ILogger logger, string id, Exception exception);
}
