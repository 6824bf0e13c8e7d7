namespace Containers.Build;

/// <summary>Reports a build's progress: each step as it starts (and whether its cached result is reused), and the output of <c>RUN</c> steps.</summary>
/// <param name="Stage">The stage's name, or its index when it has none.</param>
/// <param name="Step">The step's 1-based number within the stage (the <c>FROM</c> is step 1).</param>
/// <param name="Steps">The number of steps in the stage.</param>
/// <param name="Instruction">The instruction as written in the Dockerfile.</param>
/// <param name="Cached">Whether the step's result came from the cache.</param>
/// <param name="Output">A line a <c>RUN</c> step printed, or <see langword="null"/> for the step's start.</param>
public sealed record BuildProgress(string Stage, int Step, int Steps, string Instruction, bool Cached, string? Output = null);
