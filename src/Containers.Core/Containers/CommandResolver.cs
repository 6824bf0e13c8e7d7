using Containers.Oci;

namespace Containers.Containers;

/// <summary>Merges the image's and the caller's entrypoint, command and environment as Docker does.</summary>
public static class CommandResolver
{
    /// <summary>The <c>PATH</c> a container gets when neither the image nor the caller sets one.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// Returns entrypoint + command. An explicit entrypoint clears the image's command; an explicit command replaces the
    /// image's command but keeps its entrypoint.
    /// </summary>
    /// <exception cref="InvalidContainerConfigurationException">Nothing is left to run.</exception>
    public static IReadOnlyList<string> Arguments(ContainerConfiguration? image, IReadOnlyList<string>? entrypoint, IReadOnlyList<string>? command)
    {
        var effectiveEntrypoint = entrypoint ?? image?.Entrypoint ?? [];
        var effectiveCommand = command ?? (entrypoint is not null ? [] : image?.Cmd ?? []);
        var args = effectiveEntrypoint.Concat(effectiveCommand).ToList();
        return args.Count > 0 ? args : throw new InvalidContainerConfigurationException("command", "no command specified: the image has no CMD or ENTRYPOINT; give a command");
    }

    /// <summary>Returns the image's environment overridden by the caller's, with <c>PATH</c>, <c>HOSTNAME</c> and <c>HOME</c> filled in.</summary>
    public static IReadOnlyList<string> Environment(ContainerConfiguration? image, IReadOnlyList<string> overrides, string hostname, string home)
    {
        var env = new List<KeyValuePair<string, string>>();
        void Set(string entry)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);

            // As docker -e NAME: the caller's own value, or nothing when the caller has none.
            if (eq < 0 && System.Environment.GetEnvironmentVariable(entry) is null)
            {
                return;
            }

            var (key, value) = eq < 0 ? (entry, System.Environment.GetEnvironmentVariable(entry)!) : (entry[..eq], entry[(eq + 1)..]);
            if (key.Length == 0)
            {
                throw new InvalidContainerConfigurationException("env", $"invalid environment variable '{entry}'");
            }

            var existing = env.FindIndex(e => e.Key == key);
            if (existing >= 0)
            {
                env[existing] = new(key, value);
            }
            else
            {
                env.Add(new(key, value));
            }
        }

        Set("PATH=" + DefaultPath);
        Set("HOSTNAME=" + hostname);
        foreach (var entry in image?.Env ?? [])
        {
            Set(entry);
        }

        foreach (var entry in overrides)
        {
            Set(entry);
        }

        if (!env.Any(e => e.Key == "HOME"))
        {
            Set("HOME=" + home);
        }

        return env.Select(e => e.Key + "=" + e.Value).ToList();
    }
}
