using System.Text;
using System.Text.RegularExpressions;

namespace Containers.Build;

/// <summary>One instruction as written: its keyword, its arguments with continuations joined, and its heredocs.</summary>
internal sealed record LogicalLine(int Line, string Keyword, string Arguments, IReadOnlyList<Heredoc> Heredocs);

/// <summary>
/// Splits a Dockerfile into instructions as BuildKit's front end does: parser directives at the top, comments and blank
/// lines dropped (also inside continuations), lines ending in the escape character joined, heredoc bodies collected.
/// </summary>
internal static partial class DockerfileLines
{
    private static readonly HashSet<string> HeredocInstructions = ["RUN", "COPY", "ADD"];

    [GeneratedRegex(@"^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(\S.*?)[ \t]*$")]
    private static partial Regex Directive();

    // <<EOF, <<-EOF, <<"EOF", <<'EOF'; not the <<< of a here-string.
    [GeneratedRegex(@"(?<!<)<<(-?)(?:""([^""\s]+)""|'([^'\s]+)'|([A-Za-z0-9_][A-Za-z0-9_.-]*))")]
    internal static partial Regex HeredocMarker();

    public static (IReadOnlyDictionary<string, string> Directives, char Escape, List<LogicalLine> Lines) Split(string text, string fileName)
    {
        var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var directives = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var escape = '\\';
        var i = 0;
        for (; i < lines.Length && Directive().Match(lines[i]) is { Success: true } match; i++)
        {
            var key = match.Groups[1].Value.ToLowerInvariant();
            var value = match.Groups[2].Value;
            if (!directives.TryAdd(key, value))
            {
                throw new DockerfileSyntaxException(fileName, i + 1, string.Empty, $"the parser directive '{key}' is given twice");
            }

            if (key == "escape")
            {
                escape = value is "\\" or "`" ? value[0] : throw new DockerfileSyntaxException(fileName, i + 1, string.Empty, $"invalid escape token '{value}': it must be \\ or `");
            }
        }

        var result = new List<LogicalLine>();
        while (i < lines.Length)
        {
            var start = i;
            var line = lines[i++];
            if (IsBlankOrComment(line))
            {
                continue;
            }

            var joined = new StringBuilder();
            while (true)
            {
                var trimmed = line.TrimEnd(' ', '\t');
                if (trimmed.Length == 0 || trimmed[^1] != escape)
                {
                    joined.Append(line);
                    break;
                }

                joined.Append(trimmed, 0, trimmed.Length - 1);
                while (i < lines.Length && IsBlankOrComment(lines[i]))
                {
                    i++;
                }

                if (i >= lines.Length)
                {
                    break; // a continuation at the end of the file ends the instruction, as Docker does
                }

                line = lines[i++];
            }

            var content = joined.ToString().Trim();
            var space = content.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? content : content[..space]).ToUpperInvariant();
            var arguments = space < 0 ? string.Empty : content[(space + 1)..].TrimStart(' ', '\t');
            var heredocs = HeredocInstructions.Contains(keyword) ? ReadHeredocs(arguments, lines, ref i, fileName, start + 1, keyword) : [];
            result.Add(new LogicalLine(start + 1, keyword, arguments, heredocs));
        }

        return (directives, escape, result);
    }

    private static bool IsBlankOrComment(string line)
    {
        var trimmed = line.TrimStart(' ', '\t');
        return trimmed.Length == 0 || trimmed[0] == '#';
    }

    private static List<Heredoc> ReadHeredocs(string arguments, string[] lines, ref int i, string fileName, int line, string keyword)
    {
        var heredocs = new List<Heredoc>();
        foreach (Match marker in HeredocMarker().Matches(arguments))
        {
            var stripTabs = marker.Groups[1].Value == "-";
            var quoted = !marker.Groups[4].Success;
            var name = marker.Groups[2].Success ? marker.Groups[2].Value : marker.Groups[3].Success ? marker.Groups[3].Value : marker.Groups[4].Value;
            var body = new StringBuilder();
            var terminated = false;
            while (i < lines.Length)
            {
                var text = lines[i++];
                var candidate = stripTabs ? text.TrimStart('\t') : text;
                if (candidate == name)
                {
                    terminated = true;
                    break;
                }

                body.Append(candidate).Append('\n');
            }

            if (!terminated)
            {
                throw new DockerfileSyntaxException(fileName, line, keyword, $"the heredoc '{name}' is not terminated: add a line '{name}' after its content");
            }

            heredocs.Add(new Heredoc(name, body.ToString(), !quoted, stripTabs));
        }

        return heredocs;
    }
}
