using Containers.Internal;

namespace Containers.Images;

/// <summary>
/// Parses Docker's reference grammar by hand, in one linear pass per part, so hostile input
/// cannot make it backtrack.
/// </summary>
/// <remarks>
/// <code>
/// reference      := name [ ":" tag ] [ "@" digest ]
/// name           := [ domain "/" ] path-component ( "/" path-component )*
/// domain         := host [ ":" port ]      host := domain-name | IPv4 | "[" IPv6 "]"
/// path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*   separator := "." | "_" | "__" | "-"+
/// tag            := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
/// </code>
/// </remarks>
internal static class ReferenceParser
{
    public static ImageReference? Parse(string input, out ReferenceError error, out string detail)
    {
        error = default;
        detail = string.Empty;
        if (input.Length == 0)
        {
            return Fail(ReferenceError.Empty, "the reference is empty", out error, out detail);
        }

        if (IsIdentifier(input))
        {
            return Fail(ReferenceError.AmbiguousIdentifier, "a repository name cannot be a 64-character hexadecimal string (that is an image ID)", out error, out detail);
        }

        var namePart = input;
        Digest? digest = null;
        var at = input.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            namePart = input[..at];
            var digestText = input[(at + 1)..];
            if (!Digest.TryParse(digestText, out digest, out var reason))
            {
                return Fail(ReferenceError.InvalidDigest, reason, out error, out detail);
            }
        }

        string? tag = null;
        var lastSlash = namePart.LastIndexOf('/');
        var lastColon = namePart.LastIndexOf(':');
        if (lastColon > lastSlash)
        {
            tag = namePart[(lastColon + 1)..];
            namePart = namePart[..lastColon];
            if (!IsValidTag(tag))
            {
                return Fail(ReferenceError.InvalidTag, tag.Length == 0
                    ? "the tag after ':' is empty"
                    : $"tag '{tag}' must be 1 to 128 characters of [A-Za-z0-9_.-] and cannot start with '.' or '-'", out error, out detail);
            }
        }

        if (namePart.Length == 0)
        {
            return Fail(ReferenceError.InvalidFormat, "the repository name is missing", out error, out detail);
        }

        var registry = ImageReference.DefaultRegistry;
        var path = namePart;
        var slash = namePart.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && LooksLikeDomain(namePart.AsSpan(0, slash)))
        {
            registry = namePart[..slash];
            path = namePart[(slash + 1)..];
            if (!IsValidDomain(registry, out var why))
            {
                return Fail(ReferenceError.InvalidRegistry, $"registry '{registry}' {why}", out error, out detail);
            }

            if (registry == "index.docker.io")
            {
                registry = ImageReference.DefaultRegistry;
            }
        }

        if (path.AsSpan().IndexOfAnyInRange('A', 'Z') >= 0)
        {
            return Fail(ReferenceError.UppercaseName, $"repository name '{path}' must be lowercase", out error, out detail);
        }

        if (!IsValidPath(path, out var pathProblem))
        {
            return Fail(ReferenceError.InvalidName, pathProblem, out error, out detail);
        }

        if (registry == ImageReference.DefaultRegistry && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        if (registry.Length + 1 + path.Length > ImageReference.MaxNameLength)
        {
            return Fail(ReferenceError.NameTooLong, $"the repository name is {registry.Length + 1 + path.Length} characters long; the limit is {ImageReference.MaxNameLength}", out error, out detail);
        }

        if (tag is null && digest is null)
        {
            tag = ImageReference.DefaultTag;
        }

        return ImageReference.Create(registry, path, tag, digest);
    }

    /// <summary>Checks the tag grammar: a word character, then up to 127 word characters, dots or dashes.</summary>
    public static bool IsValidTag(ReadOnlySpan<char> tag)
    {
        if (tag.Length is 0 or > ImageReference.MaxTagLength || !IsWord(tag[0]))
        {
            return false;
        }

        foreach (var c in tag)
        {
            if (!IsWord(c) && c != '.' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a repository path: lowercase components separated by '/', each with valid separators.</summary>
    public static bool IsValidPath(string path, out string problem)
    {
        foreach (var component in path.Split('/'))
        {
            if (!IsValidComponent(component))
            {
                problem = component.Length == 0
                    ? $"repository name '{path}' has an empty path component"
                    : $"path component '{component}' must be lowercase letters and digits, separated by '.', '_', '__' or dashes";
                return false;
            }
        }

        problem = string.Empty;
        return true;
    }

    private static bool IsValidComponent(ReadOnlySpan<char> component)
    {
        var i = 0;
        while (true)
        {
            var start = i;
            while (i < component.Length && IsLowerAlphaNumeric(component[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false; // a separator at the start, twice in a row or at the end
            }

            if (i == component.Length)
            {
                return true;
            }

            var separatorStart = i;
            while (i < component.Length && component[i] is '.' or '_' or '-')
            {
                i++;
            }

            var separator = component[separatorStart..i];
            var valid = separator is "." or "_" or "__" || separator.IndexOfAnyExcept('-') < 0;
            if (!valid)
            {
                return false;
            }
        }
    }

    // Docker's rule: the first component names a registry when it has a '.' or ':', is localhost, or has uppercase.
    private static bool LooksLikeDomain(ReadOnlySpan<char> first) =>
        first.IndexOfAny('.', ':') >= 0 || first.SequenceEqual("localhost") || first.IndexOfAnyInRange('A', 'Z') >= 0;

    private static bool IsValidDomain(string domain, out string problem)
    {
        var host = domain.AsSpan();
        var port = ReadOnlySpan<char>.Empty;
        var hasPort = false;
        if (host.StartsWith("["))
        {
            var close = host.IndexOf(']');
            if (close < 0)
            {
                problem = "has an unclosed '['";
                return false;
            }

            var address = host[1..close];
            if (address.Length == 0 || address.IndexOfAnyExcept("0123456789abcdefABCDEF:") >= 0)
            {
                problem = "has an invalid IPv6 address (zones and embedded IPv4 are not allowed)";
                return false;
            }

            var rest = host[(close + 1)..];
            if (!rest.IsEmpty)
            {
                if (rest[0] != ':')
                {
                    problem = "has text after the IPv6 address";
                    return false;
                }

                hasPort = true;
                port = rest[1..];
            }
        }
        else
        {
            var colon = host.IndexOf(':');
            if (colon >= 0)
            {
                hasPort = true;
                port = host[(colon + 1)..];
                host = host[..colon];
            }

            foreach (var range in host.Split('.'))
            {
                var label = host[range];
                if (label.Length == 0 || label[0] == '-' || label[^1] == '-' || label.IndexOfAnyExcept(HostChars) >= 0)
                {
                    problem = "is not a valid host name";
                    return false;
                }
            }
        }

        if (hasPort && (port.Length == 0 || port.Length > 5 || port.IndexOfAnyExceptInRange('0', '9') >= 0))
        {
            problem = "has an invalid port";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    private const string HostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

    private static bool IsIdentifier(string input) =>
        input.Length == 64 && !input.AsSpan().ContainsAnyExcept(Ascii.LowerHex);

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsLowerAlphaNumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    private static ImageReference? Fail(ReferenceError kind, string message, out ReferenceError error, out string detail)
    {
        error = kind;
        detail = message;
        return null;
    }
}
