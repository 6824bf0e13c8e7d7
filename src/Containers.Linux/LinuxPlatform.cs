namespace Containers.Linux;

/// <summary>
/// Guards the package's entry points. The assembly carries no platform attribute, so a net10.0 consumer that calls
/// <c>AddLinuxRuntime</c> gets no CA1416 warning; the entry points check the platform at run time instead, and the rest
/// of the assembly, reachable only through them, is Linux code (CA1416 is off for it in the project file).
/// </summary>
internal static class LinuxPlatform
{
    /// <summary>Throws on any other operating system, naming what would work.</summary>
    /// <exception cref="PlatformNotSupportedException">The process does not run on Linux.</exception>
    public static void EnsureLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The Linux container runtime runs only on Linux; on other systems the engine can still pull, push and store images (Containers.Core, Containers.Registry).");
        }
    }
}
