using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Holds the defaults an image sets for its containers: command, environment, user, ports, volumes, health check.</summary>
public sealed record ContainerConfiguration
{
    /// <summary>Gets the user (<c>name</c>, <c>uid</c>, <c>uid:gid</c>, <c>name:group</c>).</summary>
    [JsonPropertyName("User")]
    public string? User { get; init; }

    /// <summary>Gets the exposed ports as keys (<c>80/tcp</c>).</summary>
    [JsonPropertyName("ExposedPorts")]
    public IReadOnlyDictionary<string, EmptyObject>? ExposedPorts { get; init; }

    /// <summary>Gets the environment as <c>NAME=value</c> entries.</summary>
    [JsonPropertyName("Env")]
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>Gets the entrypoint.</summary>
    [JsonPropertyName("Entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Gets the default command, or the default arguments to the entrypoint.</summary>
    [JsonPropertyName("Cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Gets the declared volumes as keys (<c>/data</c>).</summary>
    [JsonPropertyName("Volumes")]
    public IReadOnlyDictionary<string, EmptyObject>? Volumes { get; init; }

    /// <summary>Gets the working directory.</summary>
    [JsonPropertyName("WorkingDir")]
    public string? WorkingDir { get; init; }

    /// <summary>Gets the labels.</summary>
    [JsonPropertyName("Labels")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Gets the signal that stops the container (<c>SIGTERM</c> when absent).</summary>
    [JsonPropertyName("StopSignal")]
    public string? StopSignal { get; init; }

    /// <summary>Gets the health check (a Docker extension).</summary>
    [JsonPropertyName("Healthcheck")]
    public HealthCheck? Healthcheck { get; init; }

    /// <summary>Gets the shell for shell-form commands (a Docker extension).</summary>
    [JsonPropertyName("Shell")]
    public IReadOnlyList<string>? Shell { get; init; }

    /// <summary>Gets the build triggers for images built on this one (a Docker extension).</summary>
    [JsonPropertyName("OnBuild")]
    public IReadOnlyList<string>? OnBuild { get; init; }

    /// <summary>Gets a value indicating whether the command is already escaped (a Windows-only Docker extension).</summary>
    [JsonPropertyName("ArgsEscaped")]
    public bool? ArgsEscaped { get; init; }

    /// <summary>Gets fields this type does not model, kept for round trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
