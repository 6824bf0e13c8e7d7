using System.Globalization;
using System.Text;
using System.Text.Json;
using Containers.Linux.Runtime.Oci;

namespace Containers.Runtime;

/// <summary>runc's <c>list</c>: the containers of the state root as a table, as JSON (<c>--format json</c>) or as IDs (<c>-q</c>).</summary>
internal static class ListCommand
{
    private static readonly string[] Header = ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"];

    public static async Task<int> RunAsync(BundleRuntime runtime, string[] args, int start, TextWriter output, TextWriter error)
    {
        var line = CommandLine.Parse(args, start, ["format", "f"], ["quiet", "q"], stopAtArgument: false, out _);
        if (line.Arguments.Count != 0)
        {
            throw new UsageException("\"list\" requires exactly 0 argument(s)");
        }

        var format = line.Value("format", "f") ?? "table";
        if (!line.Switch("quiet", "q") && format is not ("table" or "json"))
        {
            throw new OciRuntimeException("invalid format option");
        }

        var containers = runtime.List(message => error.WriteLine(message));
        if (line.Switch("quiet", "q"))
        {
            foreach (var container in containers)
            {
                await output.WriteLineAsync(container.Id);
            }

            return 0;
        }

        if (format == "json")
        {
            // Go encodes an empty (nil) list as null.
            await output.WriteLineAsync(containers.Count == 0 ? "null" : JsonSerializer.Serialize(containers, OciEventsJsonContext.Default.IReadOnlyListOciListEntry));
            return 0;
        }

        var rows = new List<string[]> { Header };
        rows.AddRange(containers.Select(c => new[] { c.Id, c.Pid.ToString(CultureInfo.InvariantCulture), c.Status, c.Bundle, c.Created, c.Owner }));
        await output.WriteAsync(Table(rows));
        return 0;
    }

    /// <summary>
    /// Aligns cells as runc's Go tabwriter does (minimum width 12, padding 3, spaces): every column but the last is as
    /// wide as its widest cell plus the padding, at least the minimum.
    /// </summary>
    public static string Table(IReadOnlyList<string[]> rows)
    {
        var columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns - 1).Select(c => Math.Max(12, rows.Max(r => r[c].Length) + 3)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var c = 0; c < columns - 1; c++)
            {
                text.Append(row[c].PadRight(widths[c]));
            }

            text.Append(row[^1]).Append('\n');
        }

        return text.ToString();
    }
}
