using System.Buffers.Binary;
using Containers.Containers;
using Containers.Containers.Security;
using Containers.Linux.Security;
using Containers.Oci.Runtime;

namespace Containers.Linux.Tests.Security;

/// <summary>
/// Runs compiled filters through a small classic-BPF interpreter, so each rule's verdict is checked without the kernel;
/// the runtime tests check the same filters in real containers.
/// </summary>
public sealed class SeccompCompilerTests
{
    private const uint X8664 = 0xC000003E;
    private const uint Allow = 0x7fff0000;
    private const uint Eperm = 0x00050001;
    private const uint Enosys = 0x00050026;

    private static readonly (byte[] Program, int Count) Default = SeccompCompiler.Compile(DefaultSeccompProfile.Create(Capabilities.DockerDefault));

    [Theory]
    [InlineData("read", Allow)]
    [InlineData("execve", Allow)]
    [InlineData("close_range", Allow)]
    [InlineData("mount", Eperm)]
    [InlineData("swapon", Eperm)]
    [InlineData("keyctl", Eperm)]
    [InlineData("io_uring_setup", Eperm)]
    [InlineData("clone3", Enosys)]
    [InlineData("unshare", Eperm)]
    public void The_default_profile_gives_dockers_verdicts(string syscall, uint expected) =>
        Run(Default, SyscallTableX64.Numbers[syscall]).Should().Be(expected);

    [Fact]
    public void Socket_families_follow_the_allow_list()
    {
        var socket = SyscallTableX64.Numbers["socket"];
        Run(Default, socket, 2).Should().Be(Allow, "AF_INET");
        Run(Default, socket, 16).Should().Be(Allow, "AF_NETLINK");
        Run(Default, socket, 38).Should().Be(Eperm, "AF_ALG");
        Run(Default, socket, 40).Should().Be(Eperm, "AF_VSOCK");
        Run(Default, socket, 2UL | (1UL << 32)).Should().Be(Eperm, "the high word counts too");
    }

    [Fact]
    public void Clone_is_allowed_only_without_namespace_flags()
    {
        var clone = SyscallTableX64.Numbers["clone"];
        Run(Default, clone, 0x01200011).Should().Be(Allow, "what fork and pthread_create pass");
        Run(Default, clone, 0x20000000).Should().Be(Eperm, "CLONE_NEWPID");
    }

    [Fact]
    public void Personality_allows_only_the_listed_values()
    {
        var personality = SyscallTableX64.Numbers["personality"];
        Run(Default, personality, 8).Should().Be(Allow);
        Run(Default, personality, 0xffffffff).Should().Be(Allow);
        Run(Default, personality, 0x0400000).Should().Be(Eperm, "ADDR_NO_RANDOMIZE");
    }

    [Fact]
    public void Unknown_newer_syscalls_get_ENOSYS_and_other_architectures_are_killed()
    {
        Run(Default, 1000).Should().Be(Enosys);
        Run(Default, SyscallTableX64.Numbers["read"], arch: 0x40000003).Should().Be(0x80000000, "i386 is not the filter's architecture");
        Run(Default, 0x40000000 | 0).Should().Be(Eperm, "x32 calls get the default action");
    }

    [Fact]
    public void Capabilities_unlock_their_syscalls()
    {
        var withAdmin = SeccompCompiler.Compile(DefaultSeccompProfile.Create([.. Capabilities.DockerDefault, "CAP_SYS_ADMIN"]));
        Run(withAdmin, SyscallTableX64.Numbers["mount"]).Should().Be(Allow);
        Run(withAdmin, SyscallTableX64.Numbers["clone"], 0x20000000).Should().Be(Allow);
    }

    [Theory]
    [InlineData("SCMP_CMP_NE", 5UL, 0UL, 4UL, true)]
    [InlineData("SCMP_CMP_NE", 5UL, 0UL, 5UL, false)]
    [InlineData("SCMP_CMP_LE", 5UL, 0UL, 5UL, true)]
    [InlineData("SCMP_CMP_LE", 5UL, 0UL, 6UL, false)]
    [InlineData("SCMP_CMP_GT", 5UL, 0UL, 6UL, true)]
    [InlineData("SCMP_CMP_GT", 5UL, 0UL, 5UL, false)]
    [InlineData("SCMP_CMP_GE", 0x100000000UL, 0UL, 0x100000000UL, true)]
    [InlineData("SCMP_CMP_GE", 0x100000000UL, 0UL, 0xFFFFFFFFUL, false)]
    [InlineData("SCMP_CMP_LT", 0x100000000UL, 0UL, 0xFFFFFFFFUL, true)]
    [InlineData("SCMP_CMP_MASKED_EQ", 0xF0UL, 0x30UL, 0x3FUL, true)]
    [InlineData("SCMP_CMP_MASKED_EQ", 0xF0UL, 0x30UL, 0x4FUL, false)]
    public void Argument_comparisons_are_64_bit(string op, ulong value, ulong valueTwo, ulong argument, bool allowed)
    {
        var profile = new RuntimeSeccomp
        {
            DefaultAction = "SCMP_ACT_ERRNO",
            Syscalls = [new RuntimeSeccompRule { Names = ["ioctl"], Action = "SCMP_ACT_ALLOW", Args = [new RuntimeSeccompArg { Index = 1, Value = value, ValueTwo = valueTwo, Op = op }] }],
        };
        Run(SeccompCompiler.Compile(profile), SyscallTableX64.Numbers["ioctl"], 0, argument).Should().Be(allowed ? Allow : Eperm);
    }

    [Fact]
    public void Unknown_actions_and_operators_are_refused()
    {
        var badAction = () => SeccompCompiler.Compile(new RuntimeSeccomp { DefaultAction = "SCMP_ACT_DANCE" });
        badAction.Should().Throw<InvalidContainerConfigurationException>();
        var badOp = () => SeccompCompiler.Compile(new RuntimeSeccomp
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new RuntimeSeccompRule { Names = ["read"], Action = "SCMP_ACT_ERRNO", Args = [new RuntimeSeccompArg { Index = 0, Op = "SCMP_CMP_ROUGHLY" }] }],
        });
        badOp.Should().Throw<InvalidContainerConfigurationException>();
    }

    /// <summary>Interprets the subset of classic BPF the compiler emits over a <c>seccomp_data</c>.</summary>
    private static uint Run((byte[] Program, int Count) filter, int nr, ulong arg0 = 0, ulong arg1 = 0, uint arch = X8664)
    {
        var data = new byte[64];
        BinaryPrimitives.WriteInt32LittleEndian(data, nr);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), arch);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), arg0);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(24), arg1);
        uint a = 0;
        for (var pc = 0; pc < filter.Count; pc++)
        {
            var insn = filter.Program.AsSpan(pc * 8, 8);
            var code = BinaryPrimitives.ReadUInt16LittleEndian(insn);
            var (jt, jf, k) = (insn[2], insn[3], BinaryPrimitives.ReadUInt32LittleEndian(insn[4..]));
            switch (code)
            {
                case 0x20: a = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)k)); break;
                case 0x54: a &= k; break;
                case 0x05: pc += (int)k; break;
                case 0x15: pc += a == k ? jt : jf; break;
                case 0x25: pc += a > k ? jt : jf; break;
                case 0x35: pc += a >= k ? jt : jf; break;
                case 0x06: return k;
                default: throw new InvalidOperationException($"unexpected BPF code {code:x}");
            }
        }

        throw new InvalidOperationException("the program fell off its end");
    }
}
