namespace Containers.Linux.Runtime;

/// <summary>Finds <c>containers-monitor</c>, the native program that parents detached containers.</summary>
internal static class MonitorProgram
{
    private const string Name = "containers-monitor";

    /// <summary>Returns the monitor's path, making it executable if a package extraction dropped the mode bits.</summary>
    /// <exception cref="FileNotFoundException">The program is not next to the application or in its native assets.</exception>
    public static string Locate()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, Name),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", Name),
        ];
        var path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{Name} was not found next to the application ({AppContext.BaseDirectory}); it ships in the Containers.Linux package under runtimes/linux-x64/native, and detached containers need it", Name);
        const UnixFileMode executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | executable);
        }

        return path;
    }
}
