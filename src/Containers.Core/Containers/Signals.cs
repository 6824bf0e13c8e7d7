using System.Globalization;

namespace Containers.Containers;

/// <summary>Parses signal names and numbers as Docker accepts them (<c>KILL</c>, <c>SIGTERM</c>, <c>9</c>).</summary>
public static class Signals
{
    /// <summary>SIGKILL.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM.</summary>
    public const int Term = 15;

    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
        "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>Returns the signal's number.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The text names no signal.</exception>
    public static int Parse(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (int.TryParse(signal, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 64)
        {
            return number;
        }

        var name = signal.ToUpperInvariant();
        name = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name;
        var index = Array.IndexOf(Names, name);
        return index > 0 ? index : throw new InvalidContainerConfigurationException("signal", $"invalid signal: {signal}");
    }
}
