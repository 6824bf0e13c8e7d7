using System.Runtime.Versioning;

[assembly: SupportedOSPlatform("linux")]

namespace Containers.Linux;

/// <summary>Marks the assembly as Linux-only; the engine's Linux components live in the sub-namespaces.</summary>
internal static class LinuxPlatform
{
}
