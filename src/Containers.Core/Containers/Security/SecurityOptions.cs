using System.Text.Json;
using Containers.Oci;
using Containers.Oci.Runtime;

namespace Containers.Containers.Security;

/// <summary>Reads Docker's <c>--security-opt</c> values: <c>no-new-privileges[=true|false]</c>, <c>seccomp=unconfined</c>, <c>seccomp=PROFILE.json</c>.</summary>
internal sealed record SecurityOptions(bool NoNewPrivileges, bool Unconfined, RuntimeSeccomp? Profile)
{
    /// <exception cref="InvalidContainerConfigurationException">An option is unknown or a profile cannot be read.</exception>
    public static SecurityOptions Parse(IReadOnlyList<string> options)
    {
        var result = new SecurityOptions(false, false, null);
        foreach (var option in options)
        {
            var (key, value) = option.IndexOfAny([':', '=']) is var i and >= 0 ? (option[..i], option[(i + 1)..]) : (option, string.Empty);
            result = key switch
            {
                "no-new-privileges" => result with { NoNewPrivileges = value is "" or "true" },
                "seccomp" when value == "unconfined" => result with { Unconfined = true },
                "seccomp" when value.Length > 0 => result with { Profile = ReadProfile(value) },
                "label" or "apparmor" => result, // no LSM labelling on this engine; accepted as Docker accepts them on hosts without one
                _ => throw new InvalidContainerConfigurationException("security-opt", $"invalid --security-opt '{option}': use no-new-privileges, seccomp=unconfined or seccomp=PROFILE.json"),
            };
        }

        return result;
    }

    private static RuntimeSeccomp ReadProfile(string path)
    {
        try
        {
            var json = File.ReadAllBytes(path);
            return JsonSerializer.Deserialize(json, OciJsonContext.Default.RuntimeSeccomp)
                ?? throw new InvalidContainerConfigurationException("security-opt", $"the seccomp profile {path} is empty");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new InvalidContainerConfigurationException("security-opt", $"cannot read the seccomp profile {path}: {e.Message}");
        }
    }
}
