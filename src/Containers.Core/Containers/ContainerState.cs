using System.Text.Json.Serialization;

namespace Containers.Containers;

/// <summary>Holds a container's runtime state, as <c>inspect</c> shows it and as <c>state.json</c> stores it.</summary>
public sealed record ContainerState
{
    /// <summary>Gets the status.</summary>
    [JsonPropertyName("status")]
    public ContainerStatus Status { get; init; } = ContainerStatus.Created;

    /// <summary>Gets the process ID on the host while running, else 0.</summary>
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    /// <summary>Gets the process's start time in clock ticks since boot, to tell it from a later process that reuses the ID.</summary>
    [JsonPropertyName("pidStartTime")]
    public ulong PidStartTime { get; init; }

    /// <summary>Gets the process ID of the engine process that started it.</summary>
    [JsonPropertyName("ownerPid")]
    public int OwnerPid { get; init; }

    /// <summary>Gets the process ID of the monitor that parents a detached container while it runs, else 0.</summary>
    [JsonPropertyName("monitorPid")]
    public int MonitorPid { get; init; }

    /// <summary>Gets the monitor's start time in clock ticks since boot.</summary>
    [JsonPropertyName("monitorStartTime")]
    public ulong MonitorStartTime { get; init; }

    /// <summary>Gets the exit code of the last run (128 + signal when killed by a signal).</summary>
    [JsonPropertyName("exitCode")]
    public int ExitCode { get; init; }

    /// <summary>Gets a value indicating whether the kernel's OOM killer killed a process of the container.</summary>
    [JsonPropertyName("oomKilled")]
    public bool OomKilled { get; init; }

    /// <summary>Gets why the container could not start, if it could not.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Gets when it last started.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it last exited.</summary>
    [JsonPropertyName("finishedAt")]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets how many times the restart policy restarted it.</summary>
    [JsonPropertyName("restartCount")]
    public int RestartCount { get; init; }

    /// <summary>Gets a value indicating whether a user stopped it, so a restart policy leaves it stopped.</summary>
    [JsonPropertyName("stoppedByUser")]
    public bool StoppedByUser { get; init; }

    /// <summary>Gets a value indicating whether the process is running or paused.</summary>
    [JsonIgnore]
    public bool IsRunning => Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting;
}
