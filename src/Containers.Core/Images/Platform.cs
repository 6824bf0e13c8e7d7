using System.Runtime.InteropServices;
using Cpu = System.Runtime.InteropServices.Architecture;
using System.Text.Json.Serialization;

namespace Containers.Images;

/// <summary>
/// Describes the operating system and CPU an image runs on (<c>linux/amd64</c>, <c>linux/arm64/v8</c>),
/// and decides which manifest of a multi-platform index suits a host.
/// </summary>
public sealed record Platform
{
    /// <summary>Gets the CPU architecture in Go's naming (<c>amd64</c>, <c>arm64</c>, <c>arm</c>, <c>386</c>, ...).</summary>
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    /// <summary>Gets the operating system in Go's naming (<c>linux</c>, <c>windows</c>).</summary>
    [JsonPropertyName("os")]
    public required string OS { get; init; }

    /// <summary>Gets the operating system version (Windows images).</summary>
    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    /// <summary>Gets required operating system features.</summary>
    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    /// <summary>Gets the CPU variant (<c>v7</c> for arm, <c>v8</c> for arm64).</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>Gets the platform of the current process.</summary>
    public static Platform Current { get; } = new()
    {
        OS = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux",
        Architecture = RuntimeInformation.OSArchitecture switch
        {
            Cpu.X64 => "amd64",
            Cpu.Arm64 => "arm64",
            Cpu.Arm or Cpu.Armv6 => "arm",
            Cpu.X86 => "386",
            Cpu.S390x => "s390x",
            Cpu.Ppc64le => "ppc64le",
            Cpu.RiscV64 => "riscv64",
            Cpu.LoongArch64 => "loong64",
            var other => other.ToString().ToLowerInvariant(),
        },
        Variant = RuntimeInformation.OSArchitecture switch
        {
            Cpu.Arm64 => "v8",
            Cpu.Armv6 => "v6",
            Cpu.Arm => "v7",
            _ => null,
        },
    };

    /// <summary>Parses <c>os/architecture[/variant]</c>, accepting the common aliases (<c>x86_64</c>, <c>aarch64</c>).</summary>
    /// <exception cref="FormatException">The text has fewer than two or more than three parts.</exception>
    public static Platform Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new FormatException($"invalid platform '{value}': expected os/architecture[/variant], such as linux/amd64 or linux/arm64/v8");
        }

        var (architecture, variant) = NormalizeArchitecture(parts[1].ToLowerInvariant(), parts.Length == 3 ? parts[2].ToLowerInvariant() : null);
        return new Platform { OS = parts[0].ToLowerInvariant(), Architecture = architecture, Variant = variant };
    }

    /// <summary>
    /// Decides whether an image built for <paramref name="candidate"/> runs here: same OS and architecture,
    /// and the same variant when both name one (arm64 without a variant is v8).
    /// </summary>
    public bool Matches(Platform candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var (arch, variant) = NormalizeArchitecture(Architecture, Variant);
        var (otherArch, otherVariant) = NormalizeArchitecture(candidate.Architecture, candidate.Variant);
        if (!string.Equals(OS, candidate.OS, StringComparison.OrdinalIgnoreCase) || arch != otherArch)
        {
            return false;
        }

        return variant is null || otherVariant is null || variant == otherVariant;
    }

    /// <summary>Returns <c>os/architecture[/variant]</c>.</summary>
    public override string ToString() => $"{OS}/{Architecture}{(Variant is null ? string.Empty : "/" + Variant)}";

    private static (string Architecture, string? Variant) NormalizeArchitecture(string architecture, string? variant) =>
        architecture switch
        {
            "x86_64" or "x86-64" => ("amd64", null),
            "aarch64" or "arm64" => ("arm64", variant is null or "8" ? "v8" : variant),
            "armhf" => ("arm", "v7"),
            "armel" => ("arm", "v6"),
            "i386" or "i686" => ("386", null),
            "arm" => ("arm", variant is null ? "v7" : variant.StartsWith('v') ? variant : "v" + variant),
            _ => (architecture, variant),
        };
}
