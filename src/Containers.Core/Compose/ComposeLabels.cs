namespace Containers.Compose;

/// <summary>The labels Docker Compose puts on what it creates; <c>down</c>, <c>ps</c> and the rest find a project by them alone.</summary>
public static class ComposeLabels
{
    /// <summary>The project name, on containers, networks and volumes.</summary>
    public const string Project = "com.docker.compose.project";

    /// <summary>The service name, on containers.</summary>
    public const string Service = "com.docker.compose.service";

    /// <summary>The replica number (1-based), on containers.</summary>
    public const string ContainerNumber = "com.docker.compose.container-number";

    /// <summary><c>True</c> for containers of <c>run</c>, <c>False</c> for the service's own.</summary>
    public const string OneOff = "com.docker.compose.oneoff";

    /// <summary>The hash of the service's resolved configuration, to recreate containers whose service changed.</summary>
    public const string ConfigHash = "com.docker.compose.config-hash";

    /// <summary>The project's working directory.</summary>
    public const string WorkingDir = "com.docker.compose.project.working_dir";

    /// <summary>The Compose files, comma-separated.</summary>
    public const string ConfigFiles = "com.docker.compose.project.config_files";

    /// <summary>The network's key in the file, on networks.</summary>
    public const string Network = "com.docker.compose.network";

    /// <summary>The volume's key in the file, on volumes.</summary>
    public const string Volume = "com.docker.compose.volume";
}
