namespace Containers.Registry.Auth;

/// <summary>Parses a <c>WWW-Authenticate</c> header: <c>Basic realm="x"</c> or <c>Bearer realm="...",service="...",scope="..."</c>.</summary>
internal sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var rest = space < 0 ? string.Empty : header[(space + 1)..];
        var i = 0;
        while (i < rest.Length)
        {
            while (i < rest.Length && rest[i] is ' ' or ',')
            {
                i++;
            }

            var eq = rest.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = rest[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < rest.Length && rest[i] == '"')
            {
                var close = rest.IndexOf('"', i + 1);
                close = close < 0 ? rest.Length : close;
                value = rest[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var comma = rest.IndexOf(',', i);
                comma = comma < 0 ? rest.Length : comma;
                value = rest[i..comma].Trim();
                i = comma;
            }

            parameters[key] = value;
        }

        return new AuthChallenge(scheme, parameters);
    }
}
