using System.Buffers.Binary;
using Containers.Containers;
using Containers.Oci.Runtime;

namespace Containers.Linux.Security;

/// <summary>
/// Compiles an OCI seccomp profile into a classic BPF program for x86-64, as libseccomp would, so no native library is needed.
/// </summary>
/// <remarks>
/// The program checks the architecture (any other kills the process, as libseccomp's default does; x32 calls get the
/// default action), finds unconditionally allowed calls through a binary search, tests the conditional rules in order,
/// returns ENOSYS for calls newer than any the table knows (so libc falls back, as runc's stub does), and applies the
/// default action to the rest. Names that x86-64 does not have are skipped.
/// </remarks>
internal static class SeccompCompiler
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint X32SyscallBit = 0x40000000;
    private const int OffsetNr = 0;
    private const int OffsetArch = 4;
    private const int OffsetArgs = 16;
    private const ushort LdAbs = 0x20;
    private const ushort JeqK = 0x15;
    private const ushort JgtK = 0x25;
    private const ushort JgeK = 0x35;
    private const ushort Ja = 0x05;
    private const ushort AndK = 0x54;
    private const ushort RetK = 0x06;
    private const uint RetAllow = 0x7fff0000;
    private const uint RetKillProcess = 0x80000000;
    private const int Enosys = 38;

    /// <summary>Returns the program as bytes ready for <c>prctl(PR_SET_SECCOMP)</c>, and its instruction count.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The profile uses an unknown action or operator.</exception>
    public static (byte[] Program, int Instructions) Compile(RuntimeSeccomp profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var table = SyscallTableX64.Numbers;
        var defaultAction = Action(profile.DefaultAction, profile.DefaultErrnoRet);
        var program = new List<Instruction>
        {
            Load(OffsetArch),
            Jump(JeqK, AuditArchX8664, 1, 0),
            Return(RetKillProcess),
            Load(OffsetNr),
            Jump(JgeK, X32SyscallBit, 0, 1),
            Return(defaultAction),
        };

        var rules = profile.Syscalls ?? [];
        var unconditional = rules
            .Where(r => r.Args is null or { Count: 0 } && r.Action == "SCMP_ACT_ALLOW")
            .SelectMany(r => r.Names)
            .Where(table.ContainsKey)
            .Select(n => table[n])
            .Distinct()
            .Order()
            .ToList();
        EmitAllowTree(program, unconditional);

        foreach (var rule in rules.Where(r => !(r.Args is null or { Count: 0 } && r.Action == "SCMP_ACT_ALLOW")))
        {
            var action = Action(rule.Action, rule.ErrnoRet ?? profile.DefaultErrnoRet);
            foreach (var name in rule.Names.Where(table.ContainsKey))
            {
                EmitRule(program, table[name], rule.Args ?? [], action);
            }
        }

        program.Add(Load(OffsetNr));
        program.Add(Jump(JgtK, (uint)table.Values.Max(), 0, 1));
        program.Add(Return(0x00050000 | Enosys));
        program.Add(Return(defaultAction));
        return (Encode(program), program.Count);
    }

    /// <summary>Emits a binary search over sorted numbers; each leaf returns ALLOW, and a miss continues after the tree.</summary>
    private static void EmitAllowTree(List<Instruction> program, List<int> numbers)
    {
        var exits = new List<int>();
        EmitNode(program, numbers, exits);
        foreach (var exit in exits)
        {
            program[exit] = program[exit] with { K = (uint)(program.Count - exit - 1) };
        }
    }

    private static void EmitNode(List<Instruction> program, List<int> numbers, List<int> exits)
    {
        if (numbers.Count <= 4)
        {
            foreach (var number in numbers)
            {
                program.Add(Jump(JeqK, (uint)number, 0, 1));
                program.Add(Return(RetAllow));
            }

            exits.Add(program.Count);
            program.Add(new Instruction(Ja, 0, 0, 0));
            return;
        }

        var middle = numbers.Count / 2;
        program.Add(Jump(JgeK, (uint)numbers[middle], 0, 1));
        var toRight = program.Count;
        program.Add(new Instruction(Ja, 0, 0, 0));
        EmitNode(program, numbers[..middle], exits);
        program[toRight] = program[toRight] with { K = (uint)(program.Count - toRight - 1) };
        EmitNode(program, numbers[middle..], exits);
    }

    /// <summary>Emits: if nr matches and every argument condition holds, return the action; otherwise fall through.</summary>
    private static void EmitRule(List<Instruction> program, int number, IReadOnlyList<RuntimeSeccompArg> args, uint action)
    {
        var block = new List<Instruction> { Load(OffsetNr), Jump(JeqK, (uint)number, 0, Fail) };
        foreach (var arg in args)
        {
            EmitArgument(block, arg);
        }

        block.Add(Return(action));

        // Resolve "fail" jumps to the end of this block.
        for (var i = 0; i < block.Count; i++)
        {
            var instruction = block[i];
            if (instruction.Jf == Fail)
            {
                block[i] = instruction with { Jf = checked((byte)(block.Count - i - 1)) };
            }

            if (instruction.Jt == Fail)
            {
                block[i] = block[i] with { Jt = checked((byte)(block.Count - i - 1)) };
            }
        }

        program.AddRange(block);
    }

    private const byte Fail = 0xFF;

    private static void EmitArgument(List<Instruction> block, RuntimeSeccompArg arg)
    {
        if (arg.Index > 5)
        {
            throw new InvalidContainerConfigurationException("seccomp", $"seccomp argument index {arg.Index} is out of range (0 to 5)");
        }

        var low = OffsetArgs + (8 * (int)arg.Index);
        var high = low + 4;
        var (valueHigh, valueLow) = ((uint)(arg.Value >> 32), (uint)arg.Value);
        switch (arg.Op)
        {
            case "SCMP_CMP_EQ":
                block.Add(Load(high));
                block.Add(Jump(JeqK, valueHigh, 0, Fail));
                block.Add(Load(low));
                block.Add(Jump(JeqK, valueLow, 0, Fail));
                break;
            case "SCMP_CMP_NE":
                // Pass when either half differs.
                block.Add(Load(high));
                block.Add(Jump(JeqK, valueHigh, 0, 2));
                block.Add(Load(low));
                block.Add(Jump(JeqK, valueLow, Fail, 0));
                break;
            case "SCMP_CMP_MASKED_EQ":
                var (expectHigh, expectLow) = ((uint)(arg.ValueTwo >> 32), (uint)arg.ValueTwo);
                block.Add(Load(high));
                block.Add(new Instruction(AndK, 0, 0, valueHigh));
                block.Add(Jump(JeqK, expectHigh, 0, Fail));
                block.Add(Load(low));
                block.Add(new Instruction(AndK, 0, 0, valueLow));
                block.Add(Jump(JeqK, expectLow, 0, Fail));
                break;
            case "SCMP_CMP_LT" or "SCMP_CMP_LE" or "SCMP_CMP_GT" or "SCMP_CMP_GE":
                EmitOrdered(block, arg.Op, high, low, valueHigh, valueLow);
                break;
            default:
                throw new InvalidContainerConfigurationException("seccomp", $"unsupported seccomp operator {arg.Op}");
        }
    }

    /// <summary>Unsigned 64-bit comparisons from two 32-bit halves: decide on the high words, else on the low words.</summary>
    private static void EmitOrdered(List<Instruction> block, string op, int high, int low, uint valueHigh, uint valueLow)
    {
        var greater = op is "SCMP_CMP_GT" or "SCMP_CMP_GE";
        var orEqual = op is "SCMP_CMP_LE" or "SCMP_CMP_GE";
        block.Add(Load(high));

        // high > v.high: GT/GE pass (skip the rest), LT/LE fail.
        block.Add(greater ? Jump(JgtK, valueHigh, 3, 0) : Jump(JgtK, valueHigh, Fail, 0));

        // high < v.high: GT/GE fail, LT/LE pass (skip the rest).
        block.Add(greater ? Jump(JeqK, valueHigh, 0, Fail) : Jump(JeqK, valueHigh, 0, 2));
        block.Add(Load(low));
        block.Add(greater
            ? Jump(orEqual ? JgeK : JgtK, valueLow, 0, Fail)
            : Jump(orEqual ? JgtK : JgeK, valueLow, Fail, 0));
    }

    private static uint Action(string action, uint? errno) => action switch
    {
        "SCMP_ACT_ALLOW" => RetAllow,
        "SCMP_ACT_ERRNO" => 0x00050000 | ((errno ?? 1) & 0xFFFF),
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => 0,
        "SCMP_ACT_KILL_PROCESS" => RetKillProcess,
        "SCMP_ACT_TRAP" => 0x00030000,
        "SCMP_ACT_LOG" => 0x7ffc0000,
        "SCMP_ACT_TRACE" => 0x7ff00000 | ((errno ?? 0) & 0xFFFF),
        _ => throw new InvalidContainerConfigurationException("seccomp", $"unsupported seccomp action {action}"),
    };

    private static Instruction Load(int offset) => new(LdAbs, 0, 0, (uint)offset);

    private static Instruction Jump(ushort code, uint k, byte jt, byte jf) => new(code, jt, jf, k);

    private static Instruction Return(uint value) => new(RetK, 0, 0, value);

    private static byte[] Encode(List<Instruction> program)
    {
        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var span = bytes.AsSpan(i * 8);
            BinaryPrimitives.WriteUInt16LittleEndian(span, program[i].Code);
            span[2] = program[i].Jt;
            span[3] = program[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], program[i].K);
        }

        return bytes;
    }

    /// <summary>One BPF instruction (<c>struct sock_filter</c>).</summary>
    internal readonly record struct Instruction(ushort Code, byte Jt, byte Jf, uint K);
}
