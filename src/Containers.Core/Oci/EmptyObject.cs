namespace Containers.Oci;

/// <summary>Stands for the empty JSON object <c>{}</c> that OCI uses as the value of set-like maps.</summary>
public sealed record EmptyObject
{
    /// <summary>Gets the single instance.</summary>
    public static EmptyObject Instance { get; } = new();
}
