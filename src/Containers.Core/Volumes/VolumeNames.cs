using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Containers.Volumes;

/// <summary>Checks volume names as Docker's local driver does, and makes names for anonymous volumes.</summary>
public static partial class VolumeNames
{
    /// <summary>Returns the name when it is valid.</summary>
    /// <exception cref="InvalidVolumeNameException">The name has invalid characters or is shorter than two characters.</exception>
    public static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Pattern().IsMatch(name) && name.Length <= 255 ? name : throw new InvalidVolumeNameException(name);
    }

    /// <summary>Tells whether the name is valid.</summary>
    public static bool IsValid(string name) => name is not null && name.Length <= 255 && Pattern().IsMatch(name);

    /// <summary>Returns a new random name for an anonymous volume: 64 hexadecimal characters, as Docker's.</summary>
    public static string NewAnonymous() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
