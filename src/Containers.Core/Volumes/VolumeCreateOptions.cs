namespace Containers.Volumes;

/// <summary>Configures a new volume, as the flags of <c>docker volume create</c> do.</summary>
public sealed record VolumeCreateOptions
{
    /// <summary>Gets the name; a random 64-character name is chosen when <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the driver; only <c>local</c> (a directory under the store root) is available.</summary>
    public string Driver { get; init; } = VolumeService.LocalDriver;

    /// <summary>Gets the labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets driver options (<c>-o key=value</c>), recorded with the volume.</summary>
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();
}
