using Containers.Linux.Native;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime;

/// <summary>The plan of a process joining a running container (exec).</summary>
internal static partial class SpawnPlanBuilder
{
    /// <summary>
    /// Builds the child's steps for exec: stdio, the container's namespaces (the mount namespace last, which also
    /// puts the child at the container's root), then the same identity and privilege steps as the container's own process.
    /// </summary>
    public static SpawnPlan BuildExec(RuntimeProcess process, string executable, StdioFds stdio, IReadOnlyList<(int Fd, int Type)> joins, (byte[] Program, int Count)? seccomp)
    {
        var steps = new List<SpawnStep>
        {
            SpawnStep.Dup2(stdio.Stdin, 0, "connecting standard input"),
            SpawnStep.Dup2(stdio.Stdout, 1, "connecting standard output"),
            SpawnStep.Dup2(stdio.Stderr, 2, "connecting standard error"),
            SpawnStep.SetSid(),
        };
        foreach (var (fd, type) in joins)
        {
            steps.Add(SpawnStep.SetNamespace(fd, type, $"joining the container's namespace {type:x}"));
        }

        // Nothing of the engine's may stay open once inside: no descriptor may lead back to the host (CVE-2024-21626).
        steps.Add(SpawnStep.CloseInherited([]));

        foreach (var limit in process.Rlimits ?? [])
        {
            steps.Add(SpawnStep.SetRlimit(Rlimits.Number(limit.Type), limit.Soft, limit.Hard, limit.Type));
        }

        steps.Add(SpawnStep.Umask((int)(process.User.Umask ?? 0x12)));
        AddIdentity(steps, process, seccomp);
        steps.Add(SpawnStep.ChangeDirectory(process.Cwd, $"changing to the working directory {process.Cwd}"));
        steps.Add(SpawnStep.VerifyWorkingDirectory(process.Cwd));
        steps.Add(SpawnStep.WaitForStart());
        MoveLateSeccompLast(steps);
        return new SpawnPlan
        {
            Steps = steps,
            ExecutablePath = executable,
            Arguments = process.Args,
            Environment = process.Env ?? [],
        };
    }
}
