using Containers.Oci;

namespace Containers.Build;

/// <summary>A stage's image after some steps: its configuration and layers, the cache key of the last step, the ARGs in scope.</summary>
internal sealed record StageState(ImageConfiguration Image, IReadOnlyList<Descriptor> Layers, string Key, IReadOnlyDictionary<string, string?> Args)
{
    /// <summary>Gets a value indicating whether this stage set CMD, which ENTRYPOINT then keeps (otherwise it clears the base's).</summary>
    public bool CmdSet { get; init; }

    public ContainerConfiguration Config => Image.Config ?? new ContainerConfiguration();

    public IReadOnlyList<string> Shell => Config.Shell is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"];

    /// <summary>Looks a variable up as Dockerfile expansion does: the stage's environment first, then its ARGs.</summary>
    public string? Lookup(string name)
    {
        foreach (var entry in Config.Env ?? [])
        {
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
            {
                return entry[(name.Length + 1)..];
            }

            if (entry == name)
            {
                return string.Empty;
            }
        }

        return Args.GetValueOrDefault(name);
    }
}
