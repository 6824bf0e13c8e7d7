using System.Text;
using System.Text.RegularExpressions;
using Containers.Internal;

namespace Containers.Build;

/// <summary>
/// Decides which context paths a <c>.dockerignore</c> excludes, with Docker's rules: patterns are cleaned paths relative to
/// the context, <c>*</c> and <c>?</c> stay within one path component, <c>**</c> spans any number of them, a pattern that
/// matches a directory excludes what is under it, <c>!</c> makes an exception, and the last matching pattern wins.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _patterns;

    private DockerIgnore(List<(Regex, bool)> patterns) => _patterns = patterns;

    public static DockerIgnore Empty { get; } = new([]);

    /// <exception cref="FormatException">A pattern is malformed.</exception>
    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var exception = line[0] == '!';
            var pattern = LexicalPath.Clean((exception ? line[1..] : line).Trim());
            if (pattern.Length == 0)
            {
                continue;
            }

            patterns.Add((ToRegex(pattern), exception));
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>Says whether the path (relative to the context, with <c>/</c>) is excluded.</summary>
    public bool IsExcluded(string path)
    {
        var excluded = false;
        foreach (var (pattern, exception) in _patterns)
        {
            if (exception != excluded)
            {
                continue; // only a pattern that could change the outcome needs testing
            }

            if (MatchesOrParentMatches(pattern, path))
            {
                excluded = !exception;
            }
        }

        return excluded;
    }

    private static bool MatchesOrParentMatches(Regex pattern, string path)
    {
        if (pattern.IsMatch(path))
        {
            return true;
        }

        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            if (pattern.IsMatch(path[..slash]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Turns a pattern into a regular expression for whole paths; <paramref name="doubleStar"/> gives <c>**</c> its meaning.</summary>
    internal static Regex ToRegex(string pattern, bool doubleStar = true)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && doubleStar && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '[')
            {
                var end = pattern.IndexOf(']', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"unterminated character class in pattern '{pattern}'");
                }

                var body = pattern[(i + 1)..end];
                regex.Append('[').Append(body.StartsWith('^') || body.StartsWith('!') ? "^" + Regex.Escape(body[1..]).Replace("\\-", "-", StringComparison.Ordinal) : Regex.Escape(body).Replace("\\-", "-", StringComparison.Ordinal)).Append(']');
                i = end;
            }
            else if (c == '\\' && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
