using System.Text;

namespace Containers.Build;

/// <summary>
/// Splits and expands words the way Docker's shell lexer does for the instructions it expands (<c>COPY</c>, <c>ENV</c>,
/// <c>WORKDIR</c>...): quotes are removed, the escape character escapes, and <c>$VAR</c>, <c>${VAR}</c>,
/// <c>${VAR:-default}</c>, <c>${VAR-default}</c>, <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>, <c>${VAR:?error}</c> and
/// <c>${VAR?error}</c> are substituted. Unset variables expand to nothing.
/// </summary>
internal sealed class ShellWords(char escape)
{
    /// <summary>Splits raw text on unquoted whitespace, keeping quotes and escapes in the words for a later expansion.</summary>
    public List<string> SplitRaw(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\0' && char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }

                continue;
            }

            current.Append(c);
            if (c == escape && quote != '\'' && i + 1 < text.Length)
            {
                current.Append(text[++i]);
            }
            else if (quote == '\0' && c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == quote)
            {
                quote = '\0';
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>Expands one word (quotes removed, no splitting).</summary>
    /// <exception cref="FormatException">A quote is unterminated, a substitution malformed, or a <c>:?</c> variable unset.</exception>
    public string Word(string raw, Func<string, string?> lookup) => string.Concat(Process(raw, lookup, split: false));

    /// <summary>Expands text into words split on unquoted whitespace.</summary>
    /// <exception cref="FormatException">A quote is unterminated, a substitution malformed, or a <c>:?</c> variable unset.</exception>
    public List<string> Words(string raw, Func<string, string?> lookup) => Process(raw, lookup, split: true);

    /// <summary>Expands the variables of a heredoc body; quotes are kept, as a shell does in an unquoted heredoc.</summary>
    /// <exception cref="FormatException">A substitution is malformed.</exception>
    public string Heredoc(string raw, Func<string, string?> lookup)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] == '\\' && i + 1 < raw.Length && raw[i + 1] is '$' or '\\')
            {
                result.Append(raw[i + 1]);
                i += 2;
            }
            else if (raw[i] == '$')
            {
                i = Dollar(raw, i, result, lookup);
            }
            else
            {
                result.Append(raw[i++]);
            }
        }

        return result.ToString();
    }

    private List<string> Process(string raw, Func<string, string?> lookup, bool split)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var started = false;
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == escape)
            {
                current.Append(i + 1 < raw.Length ? raw[i + 1] : c);
                i += 2;
                started = true;
            }
            else if (c == '\'')
            {
                var end = raw.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"unterminated single quote in '{raw}'");
                }

                current.Append(raw, i + 1, end - i - 1);
                i = end + 1;
                started = true;
            }
            else if (c == '"')
            {
                i = DoubleQuoted(raw, i + 1, current, lookup);
                started = true;
            }
            else if (c == '$')
            {
                i = Dollar(raw, i, current, lookup);
                started = true;
            }
            else if (split && char.IsWhiteSpace(c))
            {
                if (started || current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    started = false;
                }

                i++;
            }
            else
            {
                current.Append(c);
                i++;
                started = true;
            }
        }

        if (started || current.Length > 0 || !split)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private int DoubleQuoted(string raw, int i, StringBuilder current, Func<string, string?> lookup)
    {
        while (i < raw.Length)
        {
            var c = raw[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == escape && i + 1 < raw.Length && (raw[i + 1] is '"' or '$' || raw[i + 1] == escape))
            {
                current.Append(raw[i + 1]);
                i += 2;
            }
            else if (c == '$')
            {
                i = Dollar(raw, i, current, lookup);
            }
            else
            {
                current.Append(c);
                i++;
            }
        }

        throw new FormatException($"unterminated double quote in '{raw}'");
    }

    private int Dollar(string raw, int i, StringBuilder current, Func<string, string?> lookup)
    {
        i++; // past '$'
        if (i >= raw.Length)
        {
            current.Append('$');
            return i;
        }

        if (raw[i] != '{')
        {
            var nameEnd = i;
            while (nameEnd < raw.Length && (char.IsAsciiLetterOrDigit(raw[nameEnd]) || raw[nameEnd] == '_'))
            {
                nameEnd++;
            }

            if (nameEnd == i || char.IsAsciiDigit(raw[i]))
            {
                current.Append('$');
                return i;
            }

            current.Append(lookup(raw[i..nameEnd]));
            return nameEnd;
        }

        var start = i + 1;
        var end = start;
        while (end < raw.Length && (char.IsAsciiLetterOrDigit(raw[end]) || raw[end] == '_'))
        {
            end++;
        }

        var name = raw[start..end];
        if (name.Length == 0 || end >= raw.Length)
        {
            throw new FormatException($"bad substitution in '{raw}': expected a variable name and '}}' after '${{'");
        }

        if (raw[end] == '}')
        {
            current.Append(lookup(name));
            return end + 1;
        }

        var colon = raw[end] == ':';
        var op = colon ? (end + 1 < raw.Length ? raw[end + 1] : '\0') : raw[end];
        if (op is not ('-' or '+' or '?'))
        {
            throw new FormatException($"unsupported substitution in '{raw}': only ${{VAR}}, ${{VAR:-default}}, ${{VAR-default}}, ${{VAR:+alt}}, ${{VAR+alt}} and ${{VAR:?error}} are supported");
        }

        var wordStart = end + (colon ? 2 : 1);
        var wordEnd = MatchingBrace(raw, wordStart) ?? throw new FormatException($"bad substitution in '{raw}': missing '}}'");
        var word = Word(raw[wordStart..wordEnd], lookup);
        var value = lookup(name);
        var useWord = op switch
        {
            '-' => colon ? string.IsNullOrEmpty(value) : value is null,
            '+' => colon ? !string.IsNullOrEmpty(value) : value is not null,
            _ => colon ? string.IsNullOrEmpty(value) : value is null,
        };
        if (op == '?' && useWord)
        {
            throw new FormatException($"{name}: {(word.Length == 0 ? "is not set" : word)}");
        }

        current.Append(op switch
        {
            '+' => useWord ? word : string.Empty,
            '?' => value,
            _ => useWord ? word : value,
        });
        return wordEnd + 1;
    }

    private int? MatchingBrace(string raw, int i)
    {
        var depth = 0;
        for (; i < raw.Length; i++)
        {
            if (raw[i] == escape)
            {
                i++;
            }
            else if (raw[i] == '{')
            {
                depth++;
            }
            else if (raw[i] == '}' && depth-- == 0)
            {
                return i;
            }
        }

        return null;
    }
}
