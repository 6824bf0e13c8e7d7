using Containers.Oci.Runtime;

namespace Containers.Containers;

/// <summary>
/// A health check that a detached container's monitor runs on its own timer, so checks go on after the process that
/// started the container exited. Each result is appended to <see cref="ResultsPath"/> as one JSON line.
/// </summary>
/// <param name="Process">The check's process, joined into the container as an exec is.</param>
/// <param name="Check">The effective configuration: every duration and the retries set.</param>
/// <param name="ResultsPath">The results file (<c>health.jsonl</c> in the container's directory).</param>
/// <param name="PlanPath">Where the runtime stores the check's prepared spawn plan for the monitor.</param>
public sealed record DetachedHealthCheck(RuntimeProcess Process, HealthCheckConfig Check, string ResultsPath, string PlanPath);
