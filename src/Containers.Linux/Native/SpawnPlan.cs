namespace Containers.Linux.Native;

/// <summary>Describes a whole spawn: namespaces to create, the child's steps, and the program to exec.</summary>
internal sealed record SpawnPlan
{
    public ulong CloneFlags { get; init; }

    public required IReadOnlyList<SpawnStep> Steps { get; init; }

    /// <summary>Gets the program's path as the child sees it once all steps ran (inside the container root).</summary>
    public required string ExecutablePath { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required IReadOnlyList<string> Environment { get; init; }

    /// <summary>Gets the signal the child gets when the spawning thread dies; 0 to outlive it.</summary>
    public int ParentDeathSignal { get; init; } = 9;

    /// <summary>Describes a failing step for an error message; the step after the last is execve.</summary>
    public string Describe(int step) =>
        step < 0 ? "setting the parent-death signal"
        : step < Steps.Count ? Steps[step].Description
        : $"starting {ExecutablePath}";
}
