namespace Containers.Cli.Cli;

/// <summary>Prints rows under upper-case headers in columns three spaces apart, as docker's list commands do.</summary>
internal static class TableWriter
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Format(headers, widths));
        foreach (var row in all)
        {
            output.WriteLine(Format(row, widths));
        }
    }

    private static string Format(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("   ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
