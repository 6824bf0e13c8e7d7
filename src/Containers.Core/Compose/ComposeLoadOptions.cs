namespace Containers.Compose;

/// <summary>Says which Compose files to read and how, as <c>docker compose</c>'s global flags do.</summary>
public sealed record ComposeLoadOptions
{
    /// <summary>
    /// Gets the Compose files (<c>-f</c>), later ones overriding earlier ones; empty looks for <c>compose.yaml</c>,
    /// <c>compose.yml</c>, <c>docker-compose.yaml</c> or <c>docker-compose.yml</c> in <see cref="ProjectDirectory"/>
    /// (or the current directory).
    /// </summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets the project name (<c>-p</c>); else <c>COMPOSE_PROJECT_NAME</c>, the file's <c>name:</c>, or the directory's name.</summary>
    public string? ProjectName { get; init; }

    /// <summary>Gets the directory relative paths resolve against (<c>--project-directory</c>); the first file's directory by default.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>Gets the files of variables for interpolation (<c>--env-file</c>); <c>.env</c> in the project directory by default.</summary>
    public IReadOnlyList<string> EnvFiles { get; init; } = [];

    /// <summary>Gets the environment variables, which win over <c>.env</c>; the process's environment when null.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Gets the active profiles (<c>--profile</c>), added to <c>COMPOSE_PROFILES</c>; <c>*</c> enables all.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Gets replica counts that replace the file's (<c>--scale SERVICE=N</c>).</summary>
    public IReadOnlyDictionary<string, int> Scale { get; init; } = new Dictionary<string, int>();
}
