namespace Containers.Compose;

/// <summary>
/// Reads <c>.env</c> and <c>env_file</c> files as Compose does: <c>KEY=VALUE</c> lines, optional <c>export </c>, <c>#</c>
/// comments, single quotes taken literally, double quotes with <c>\n</c> and <c>\"</c> escapes, and a bare <c>KEY</c>
/// taking its value from the lookup given.
/// </summary>
internal static class EnvFile
{
    /// <summary>Parses the file's lines into variables, in order.</summary>
    /// <exception cref="ComposeFileException">A line is malformed (named by file and line).</exception>
    public static IReadOnlyList<KeyValuePair<string, string?>> Read(string path, Func<string, string?> lookup)
    {
        var result = new List<KeyValuePair<string, string?>>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? line : line[..eq]).Trim();
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                throw new ComposeFileException(ComposeErrorKind.Syntax, path, number, key, $"'{raw}' is not KEY=VALUE");
            }

            result.Add(new(key, eq < 0 ? lookup(key) : Value(line[(eq + 1)..].Trim())));
        }

        return result;
    }

    private static string Value(string text)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1];
        }

        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            return text[1..^1].Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        // An unquoted value ends at a " #" comment.
        var comment = text.IndexOf(" #", StringComparison.Ordinal);
        return comment < 0 ? text : text[..comment].TrimEnd();
    }
}
