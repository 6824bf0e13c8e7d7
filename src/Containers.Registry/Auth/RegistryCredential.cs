namespace Containers.Registry.Auth;

/// <summary>A user name and password (or identity token) for a registry.</summary>
/// <param name="Username">The user name; empty with an identity token.</param>
/// <param name="Password">The password, access token or identity token.</param>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>Hides the password.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username}, Password = *** }}";
}
