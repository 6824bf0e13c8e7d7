using System.Text;

namespace Containers.Compose;

/// <summary>
/// Substitutes variables in Compose values as <c>docker compose</c> does: <c>$VAR</c>, <c>${VAR}</c>,
/// <c>${VAR:-default}</c> (unset or empty), <c>${VAR-default}</c> (unset), <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>,
/// <c>${VAR:?error}</c>, <c>${VAR?error}</c>, and <c>$$</c> for a literal <c>$</c>. Defaults may themselves hold substitutions.
/// </summary>
internal static class ComposeInterpolation
{
    /// <summary>Substitutes the variables of <paramref name="text"/>; unset variables without a default become empty.</summary>
    /// <exception cref="FormatException">A substitution is malformed, or a <c>?</c> variable is unset (the message says which).</exception>
    public static string Interpolate(string text, Func<string, string?> lookup)
    {
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '$')
            {
                result.Append(c);
                continue;
            }

            if (i + 1 >= text.Length)
            {
                result.Append('$');
                continue;
            }

            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i++;
            }
            else if (next == '{')
            {
                var end = ClosingBrace(text, i + 2);
                result.Append(Braced(text[(i + 2)..end], lookup));
                i = end;
            }
            else if (IsNameStart(next))
            {
                var start = i + 1;
                var end = start;
                while (end < text.Length && IsNameChar(text[end]))
                {
                    end++;
                }

                result.Append(lookup(text[start..end]) ?? string.Empty);
                i = end - 1;
            }
            else
            {
                throw new FormatException($"invalid interpolation format in \"{text}\": '$' must be followed by a name, '{{' or '$' (write $$ for a literal $)");
            }
        }

        return result.ToString();
    }

    private static string Braced(string body, Func<string, string?> lookup)
    {
        var nameEnd = 0;
        while (nameEnd < body.Length && IsNameChar(body[nameEnd]))
        {
            nameEnd++;
        }

        var name = body[..nameEnd];
        if (name.Length == 0 || !IsNameStart(name[0]))
        {
            throw new FormatException($"invalid interpolation format \"${{{body}}}\": a variable name must start with a letter or '_'");
        }

        var value = lookup(name);
        if (nameEnd == body.Length)
        {
            return value ?? string.Empty;
        }

        var colon = body[nameEnd] == ':';
        var opIndex = colon ? nameEnd + 1 : nameEnd;
        if (opIndex >= body.Length)
        {
            throw new FormatException($"invalid interpolation format \"${{{body}}}\": expected -, +, ? or = after ':'");
        }

        var argument = body[(opIndex + 1)..];
        var unset = colon ? string.IsNullOrEmpty(value) : value is null;
        return body[opIndex] switch
        {
            '-' => unset ? Interpolate(argument, lookup) : value!,
            '+' => unset ? string.Empty : Interpolate(argument, lookup),
            '?' => unset
                ? throw new FormatException($"required variable {name} is {(value is null ? "missing" : "empty")}: {Interpolate(argument, lookup)}".TrimEnd(' ', ':'))
                : value!,
            _ => throw new FormatException($"invalid interpolation format \"${{{body}}}\": unknown operator '{body[opIndex]}' (use :-, -, :+, +, :? or ?)"),
        };
    }

    private static int ClosingBrace(string text, int start)
    {
        var depth = 1;
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                depth++;
                i++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"invalid interpolation format in \"{text}\": '${{' is not closed by '}}'");
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
