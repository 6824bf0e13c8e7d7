using System.Text;
using Containers.Linux.Interop;

namespace Containers.Linux.Cgroups;

/// <summary>Loads a device filter program with the bpf syscall and attaches it to a cgroup v2 directory.</summary>
internal static unsafe class DeviceFilterLoader
{
    private const long SysBpf = 321; // x86_64
    private const int BpfProgLoad = 5;
    private const int BpfProgAttach = 8;
    private const uint BpfProgTypeCgroupDevice = 15;
    private const uint BpfCgroupDevice = 6;

    /// <summary>Lets a nested cgroup add its own filter; every filter on the path must allow an access.</summary>
    private const uint BpfFAllowMulti = 2;

    private const int AttrSize = 128;

    public static void Attach(string cgroupDirectory, byte[] program)
    {
        var prog = Load(program);
        try
        {
            var cgroup = Libc.open(cgroupDirectory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (cgroup < 0)
            {
                throw new IOException($"opening the cgroup {cgroupDirectory} to attach its device filter failed: {Errno.Describe(Errno.Last)}");
            }

            try
            {
                var attr = stackalloc byte[AttrSize];
                new Span<byte>(attr, AttrSize).Clear();
                *(uint*)attr = (uint)cgroup;              // target_fd
                *(uint*)(attr + 4) = (uint)prog;          // attach_bpf_fd
                *(uint*)(attr + 8) = BpfCgroupDevice;     // attach_type
                *(uint*)(attr + 12) = BpfFAllowMulti;     // attach_flags
                if (Libc.syscall(SysBpf, BpfProgAttach, (long)attr, AttrSize, 0) < 0)
                {
                    throw new IOException($"attaching the device filter to {cgroupDirectory} failed: {Errno.Describe(Errno.Last)}; is it a cgroup v2 directory?");
                }
            }
            finally
            {
                Libc.close(cgroup);
            }
        }
        finally
        {
            // The attachment holds its own reference; the program goes away with the cgroup.
            Libc.close(prog);
        }
    }

    private static int Load(byte[] program)
    {
        var license = "Apache"u8;
        fixed (byte* instructions = program)
        {
            var nul = stackalloc byte[license.Length + 1];
            license.CopyTo(new Span<byte>(nul, license.Length));
            nul[license.Length] = 0;
            var fd = LoadWithLog(instructions, program.Length / 8, nul, null, 0);
            if (fd >= 0)
            {
                return fd;
            }

            // Load again with the verifier's log, to say why.
            var errno = Errno.Last;
            var log = new byte[64 * 1024];
            fixed (byte* logBuffer = log)
            {
                LoadWithLog(instructions, program.Length / 8, nul, logBuffer, log.Length);
            }

            var text = Encoding.UTF8.GetString(log, 0, Math.Max(0, Array.IndexOf(log, (byte)0))).Trim();
            throw new IOException($"loading the device filter program failed: {Errno.Describe(errno)}{(text.Length > 0 ? "; verifier: " + text : string.Empty)}");
        }
    }

    private static int LoadWithLog(byte* instructions, int count, byte* license, byte* log, int logSize)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)attr = BpfProgTypeCgroupDevice;       // prog_type
        *(uint*)(attr + 4) = (uint)count;             // insn_cnt
        *(ulong*)(attr + 8) = (ulong)instructions;    // insns
        *(ulong*)(attr + 16) = (ulong)license;        // license
        *(uint*)(attr + 24) = log is null ? 0u : 1u;  // log_level
        *(uint*)(attr + 28) = (uint)logSize;          // log_size
        *(ulong*)(attr + 32) = (ulong)log;            // log_buf
        "devices"u8.CopyTo(new Span<byte>(attr + 48, 16)); // prog_name
        return (int)Libc.syscall(SysBpf, BpfProgLoad, (long)attr, AttrSize, 0);
    }
}
