using System.Runtime.InteropServices;

namespace Containers.Linux.Runtime;

/// <summary>Finds <c>containers-monitor</c>, the native program that parents detached containers.</summary>
internal static class MonitorProgram
{
    private const string Name = "containers-monitor";

    /// <summary>
    /// Returns the monitor's path, making it executable if a package extraction dropped the mode bits. A project
    /// reference or a RID-specific build puts it next to the application; a package reference built without a RID
    /// puts it under <c>runtimes/&lt;rid&gt;/native/</c>, as it does <c>libcontainers_native.so</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The program is not next to the application or in its native assets.</exception>
    public static string Locate()
    {
        var nativeAssets = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeIdentifier, "native", Name);
        string[] candidates = [Path.Combine(AppContext.BaseDirectory, Name), nativeAssets];
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{Name} was not found next to the application or in {nativeAssets}; it ships in the Containers.Linux package under runtimes/{RuntimeIdentifier}/native, and detached containers need it", Name);
        const UnixFileMode executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | executable);
        }

        return path;
    }

    /// <summary>Gets the package's RID for this process: the monitor is packed for linux-x64 and linux-arm64.</summary>
    internal static string RuntimeIdentifier => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 => "linux-arm64",
        Architecture.X64 => "linux-x64",
        var other => $"linux-{other.ToString().ToLowerInvariant()}",
    };
}
