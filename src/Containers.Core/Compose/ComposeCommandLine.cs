using System.Text;

namespace Containers.Compose;

/// <summary>Splits a <c>command:</c> or <c>entrypoint:</c> string into words as Compose does (shell quoting, no expansion).</summary>
internal static class ComposeCommandLine
{
    /// <exception cref="FormatException">A quote is not closed.</exception>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '\\' && i + 1 < text.Length && (quote == '\0' || text[i + 1] is '"' or '\\' or '$'))
            {
                current.Append(text[++i]);
                inWord = true;
            }
            else if (quote == '"')
            {
                if (c == '"')
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"unterminated {quote} quote in \"{text}\"");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
