using System.Text;
using Containers.Linux.Native;

namespace Containers.Linux.Runtime;

/// <summary>
/// Writes the parts of the plans the monitor reads (<c>monitor_plan.c</c>), little-endian: a string is an int32 length,
/// -1 for null, then UTF-8 bytes; a step is int32 op, i0, i1, i2, uint64 u0, u1, str s0..s3, str buffer, uint64 n0.
/// </summary>
internal static class MonitorPlanWriter
{
    /// <summary>Writes an int32 count and each step.</summary>
    public static void WriteSteps(BinaryWriter writer, IReadOnlyList<SpawnStep> steps)
    {
        writer.Write(steps.Count);
        foreach (var step in steps)
        {
            writer.Write((int)step.Op);
            writer.Write(step.I0);
            writer.Write(step.I1);
            writer.Write(step.I2);
            writer.Write(step.U0);
            writer.Write(step.U1);
            WriteString(writer, step.S0);
            WriteString(writer, step.S1);
            WriteString(writer, step.S2);
            WriteString(writer, step.S3);
            WriteBytes(writer, step.Buffer);
            writer.Write(step.N0);
        }
    }

    /// <summary>Writes the program: its path, then its arguments and environment as counted strings.</summary>
    public static void WriteProgram(BinaryWriter writer, SpawnPlan plan)
    {
        WriteString(writer, plan.ExecutablePath);
        WriteStrings(writer, plan.Arguments);
        WriteStrings(writer, plan.Environment);
    }

    public static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> values)
    {
        writer.Write(values.Count);
        foreach (var value in values)
        {
            WriteString(writer, value);
        }
    }

    public static void WriteString(BinaryWriter writer, string? value) => WriteBytes(writer, value is null ? null : Encoding.UTF8.GetBytes(value));

    public static long Nanoseconds(TimeSpan value) => value.Ticks * 100;

    private static void WriteBytes(BinaryWriter writer, byte[]? value)
    {
        writer.Write(value?.Length ?? -1);
        if (value is not null)
        {
            writer.Write(value);
        }
    }
}
