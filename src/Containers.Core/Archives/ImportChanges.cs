using System.Text;
using System.Text.Json;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Applies <c>docker import --change</c> instructions (a subset of Dockerfile syntax) to an image's run defaults.</summary>
internal static class ImportChanges
{
    /// <exception cref="FormatException">An instruction is unknown or malformed.</exception>
    public static ContainerConfiguration Apply(ContainerConfiguration config, IReadOnlyList<string> changes)
    {
        foreach (var change in changes)
        {
            var trimmed = change.Trim();
            var space = trimmed.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
            var rest = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
            if (rest.Length == 0)
            {
                throw new FormatException($"change '{change}' needs an argument");
            }

            config = keyword switch
            {
                "CMD" => config with { Cmd = CommandForm(rest) },
                "ENTRYPOINT" => config with { Entrypoint = CommandForm(rest) },
                "WORKDIR" => config with { WorkingDir = rest },
                "USER" => config with { User = rest },
                "STOPSIGNAL" => config with { StopSignal = rest },
                "ENV" => config with { Env = MergeEnv(config.Env, Pairs(rest, "ENV")) },
                "LABEL" => config with { Labels = Merge(config.Labels, Pairs(rest, "LABEL")) },
                "EXPOSE" => config with { ExposedPorts = AddKeys(config.ExposedPorts, rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Contains('/', StringComparison.Ordinal) ? p : p + "/tcp")) },
                "HEALTHCHECK" => config with { Healthcheck = HealthCheckInstruction.Parse(rest, JsonArray) },
                "VOLUME" => config with { Volumes = AddKeys(config.Volumes, rest.StartsWith('[') ? JsonArray(rest) : rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)) },
                _ => throw new FormatException($"change '{keyword}' is not supported; use CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR"),
            };
        }

        return config;
    }

    private static IReadOnlyList<string> CommandForm(string rest) => rest.StartsWith('[') ? JsonArray(rest) : ["/bin/sh", "-c", rest];

    private static IReadOnlyList<string> JsonArray(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("null in JSON array")).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"'{text}' is not a JSON array of strings", e);
        }
    }

    /// <summary>Parses <c>a=1 b="two words"</c>, or the legacy <c>key value</c> form.</summary>
    private static List<KeyValuePair<string, string>> Pairs(string text, string keyword)
    {
        var firstSpace = text.IndexOf(' ', StringComparison.Ordinal);
        var firstEquals = text.IndexOf('=', StringComparison.Ordinal);
        if (firstEquals < 0 || (firstSpace >= 0 && firstSpace < firstEquals))
        {
            return firstSpace < 0
                ? throw new FormatException($"{keyword} needs key=value or key value")
                : [new(text[..firstSpace], text[(firstSpace + 1)..].Trim())];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var word in Words(text))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            pairs.Add(eq <= 0 ? throw new FormatException($"{keyword} '{word}' is not key=value") : new(word[..eq], word[(eq + 1)..]));
        }

        return pairs;
    }

    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        var quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == ' ')
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"unterminated quote in '{text}'");
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static List<string> MergeEnv(IReadOnlyList<string>? env, List<KeyValuePair<string, string>> pairs)
    {
        var result = env?.ToList() ?? [];
        foreach (var (key, value) in pairs)
        {
            result.RemoveAll(e => e.StartsWith(key + "=", StringComparison.Ordinal));
            result.Add(key + "=" + value);
        }

        return result;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string>? existing, List<KeyValuePair<string, string>> pairs)
    {
        var result = existing?.ToDictionary() ?? [];
        foreach (var (key, value) in pairs)
        {
            result[key] = value;
        }

        return result;
    }

    private static Dictionary<string, EmptyObject> AddKeys(IReadOnlyDictionary<string, EmptyObject>? existing, IEnumerable<string> keys)
    {
        var result = existing?.ToDictionary() ?? [];
        foreach (var key in keys)
        {
            result[key] = EmptyObject.Instance;
        }

        return result;
    }
}
