using System.Runtime.InteropServices;
using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Linux.Native;

namespace Containers.Linux.Runtime;

/// <summary>Reads the child's reports from its close-on-exec pipe: "ready", "step N failed with errno E", or end of file when execve succeeded.</summary>
internal static unsafe class ChildReports
{
    /// <summary>Blocks for the next report; null means the pipe closed (the child exec'd or died).</summary>
    public static CnReport? Read(int fd)
    {
        CnReport report = default;
        var size = sizeof(CnReport);
        var total = 0;
        while (total < size)
        {
            var n = Libc.read(fd, (byte*)&report + total, size - total);
            if (n == 0)
            {
                return null;
            }

            if (n < 0)
            {
                if (Errno.Last == Errno.EINTR)
                {
                    continue;
                }

                Errno.Check((int)n, "reading the child's report");
            }

            total += (int)n;
        }

        return report;
    }

    /// <summary>Turns an error report into the exception a caller can act on.</summary>
    public static ContainersException ToException(CnReport report, SpawnPlan plan)
    {
        var step = plan.Describe(report.Step);
        if (report.Step == plan.Steps.Count)
        {
            var program = plan.Arguments.Count > 0 ? plan.Arguments[0] : plan.ExecutablePath;
            var exit = report.Errno is Errno.ENOENT ? 127 : 126;
            return new ContainerCommandException(program, exit, $"exec: \"{program}\": {Marshal.GetPInvokeErrorMessage(report.Errno).ToLowerInvariant()}");
        }

        if (report.Step >= 0 && plan.Steps[report.Step] is { Op: SpawnOp.VerifyWorkingDirectory } verify)
        {
            return new ContainerStartException(step, report.Errno, Errno.Name(report.Errno),
                $"the working directory {verify.S0} resolves outside the container's root filesystem (possible container breakout, CVE-2024-21626): use a working directory inside the container");
        }

        if (report.Step >= 0 && plan.Steps[report.Step] is { Op: SpawnOp.RunHook } && (report.Errno & 0x10000) != 0)
        {
            return new ContainerStartException(step, report.Errno & 0xFFFF, "EHOOK", $"{step} failed: exit status {report.Errno & 0xFFFF}");
        }

        return new ContainerStartException(step, report.Errno, Errno.Name(report.Errno), $"{step} failed: {Errno.Describe(report.Errno)}");
    }
}
