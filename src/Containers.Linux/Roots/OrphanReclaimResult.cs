namespace Containers.Linux.Roots;

/// <summary>What one pass of <see cref="OrphanedRoots.ReclaimAsync"/> found and removed.</summary>
/// <param name="Roots">The roots whose objects were reclaimed: deleted, replaced at the same path, or abandoned scratch roots.</param>
/// <param name="Monitors">Monitor processes killed (their containers die with them).</param>
/// <param name="Cgroups">Container cgroups killed and removed.</param>
/// <param name="Interfaces">Bridges and veths deleted.</param>
/// <param name="Tables">nftables tables deleted.</param>
/// <param name="Mounts">Mounts detached.</param>
/// <param name="Elapsed">How long the pass took, scanning included.</param>
public sealed record OrphanReclaimResult(IReadOnlyList<string> Roots, int Monitors, int Cgroups, int Interfaces, int Tables, int Mounts, TimeSpan Elapsed)
{
    /// <summary>Gets the number of objects removed.</summary>
    public int Total => Monitors + Cgroups + Interfaces + Tables + Mounts;

    /// <summary>Gets an empty result, for a pass that was skipped because another process was reclaiming.</summary>
    public static OrphanReclaimResult None { get; } = new([], 0, 0, 0, 0, 0, TimeSpan.Zero);
}
