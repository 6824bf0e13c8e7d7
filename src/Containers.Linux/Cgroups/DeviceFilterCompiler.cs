using Containers.Oci.Runtime;

namespace Containers.Linux.Cgroups;

/// <summary>
/// Compiles device rules into an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE, the cgroup v2 replacement of the
/// devices controller (the same shape as runc's devicefilter). The kernel passes <c>struct bpf_cgroup_dev_ctx</c>
/// (<c>access_type</c> = access &lt;&lt; 16 | type, <c>major</c>, <c>minor</c>); the program returns 1 to allow, 0 to deny.
/// </summary>
/// <remarks>
/// Rules are checked last to first and the first match decides, which is the "last matching rule wins" order of the
/// specification. Nothing is emitted after a rule that matches everything: the verifier rejects unreachable code.
/// </remarks>
internal static class DeviceFilterCompiler
{
    private const byte R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

    // Opcodes: class | operation | source.
    private const byte LoadWord = 0x61;       // BPF_LDX | BPF_MEM | BPF_W
    private const byte And32Imm = 0x54;       // BPF_ALU | BPF_AND | BPF_K
    private const byte Rsh32Imm = 0x74;       // BPF_ALU | BPF_RSH | BPF_K
    private const byte Mov32Reg = 0xbc;       // BPF_ALU | BPF_MOV | BPF_X
    private const byte Mov32Imm = 0xb4;       // BPF_ALU | BPF_MOV | BPF_K
    private const byte JneImm = 0x55;         // BPF_JMP | BPF_JNE | BPF_K
    private const byte JneReg = 0x5d;         // BPF_JMP | BPF_JNE | BPF_X
    private const byte Exit = 0x95;           // BPF_JMP | BPF_EXIT

    private const int CharDevice = 2;         // BPF_DEVCG_DEV_CHAR
    private const int BlockDevice = 1;        // BPF_DEVCG_DEV_BLOCK

    /// <summary>Returns the program's instructions, 8 bytes each.</summary>
    public static byte[] Compile(IReadOnlyList<RuntimeDeviceRule> rules)
    {
        // r2 = device type, r3 = requested access, r4 = major, r5 = minor.
        var program = new List<Instruction>
        {
            new(LoadWord, R2, R1, 0, 0),
            new(And32Imm, R2, 0, 0, 0xFFFF),
            new(LoadWord, R3, R1, 0, 0),
            new(Rsh32Imm, R3, 0, 0, 16),
            new(LoadWord, R4, R1, 4, 0),
            new(LoadWord, R5, R1, 8, 0),
        };

        var complete = false;
        for (var i = rules.Count - 1; i >= 0 && !complete; i--)
        {
            complete = DeviceAccess.MatchesEverything(rules[i]);
            program.AddRange(Rule(rules[i]));
        }

        if (!complete)
        {
            // No rule matched: deny.
            program.Add(new(Mov32Imm, R0, 0, 0, 0));
            program.Add(new(Exit, 0, 0, 0, 0));
        }

        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            program[i].WriteTo(bytes.AsSpan(i * 8));
        }

        return bytes;
    }

    /// <summary>Emits "if the request matches, return allow or deny"; each mismatch jumps past the block.</summary>
    private static List<Instruction> Rule(RuntimeDeviceRule rule)
    {
        var block = new List<Instruction>();
        var type = DeviceAccess.Type(rule);
        if (type != 'a')
        {
            block.Add(new(JneImm, R2, 0, Next, type == 'c' ? CharDevice : BlockDevice));
        }

        var access = DeviceAccess.Bits(rule);
        if (access != DeviceAccess.All)
        {
            // The rule covers the request only if every requested bit is in the rule: (r3 & access) == r3.
            block.Add(new(Mov32Reg, R1, R3, 0, 0));
            block.Add(new(And32Imm, R1, 0, 0, access));
            block.Add(new(JneReg, R1, R3, Next, 0));
        }

        if (rule.Major is >= 0 and var major)
        {
            block.Add(new(JneImm, R4, 0, Next, checked((int)major)));
        }

        if (rule.Minor is >= 0 and var minor)
        {
            block.Add(new(JneImm, R5, 0, Next, checked((int)minor)));
        }

        block.Add(new(Mov32Imm, R0, 0, 0, rule.Allow ? 1 : 0));
        block.Add(new(Exit, 0, 0, 0, 0));

        // A jump's offset counts the instructions it skips: to the end of this block.
        for (var i = 0; i < block.Count; i++)
        {
            if (block[i].Offset == Next)
            {
                block[i] = block[i] with { Offset = (short)(block.Count - i - 1) };
            }
        }

        return block;
    }

    /// <summary>Marks a jump to the next rule until the block's length is known.</summary>
    private const short Next = -1;

    private readonly record struct Instruction(byte Code, byte Destination, byte Source, short Offset, int Immediate)
    {
        public void WriteTo(Span<byte> destination)
        {
            destination[0] = Code;
            destination[1] = (byte)((Source << 4) | Destination);
            BitConverter.TryWriteBytes(destination[2..], Offset);
            BitConverter.TryWriteBytes(destination[4..], Immediate);
        }
    }
}
