using System.Diagnostics;

namespace Containers.Cli.Cli;

/// <summary>
/// Shows per-blob progress of a pull or push. On a terminal every blob has a line that is redrawn in place (cursor
/// movement, at most ten redraws a second, with a bar and byte counts); otherwise a plain line is printed each time a
/// blob's status changes, which is what logs and tests read.
/// </summary>
internal sealed class ProgressDisplay(TextWriter output, bool interactive)
{
    private const int BarWidth = 30;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private readonly object _gate = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Line> _lines = [];
    private readonly Stopwatch _sinceRedraw = Stopwatch.StartNew();
    private int _drawn;

    /// <summary>Tells whether <paramref name="output"/> is the process's standard output and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>Records a blob's status; <paramref name="total"/> above zero with <paramref name="showBar"/> draws a bar on a terminal.</summary>
    public void Update(string id, string status, long bytes, long total, bool showBar)
    {
        lock (_gate)
        {
            var changed = !_lines.TryGetValue(id, out var previous) || previous.Status != status;
            if (previous is null)
            {
                _order.Add(id);
            }

            _lines[id] = new Line(status, bytes, total, showBar);
            if (!interactive)
            {
                if (changed)
                {
                    output.WriteLine($"{id}: {status}");
                }

                return;
            }

            // Status changes show at once; byte counts at most every RedrawInterval.
            if (changed || _sinceRedraw.Elapsed >= RedrawInterval)
            {
                Redraw();
            }
        }
    }

    /// <summary>Draws the final state (on a terminal) and flushes.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (interactive && _order.Count > 0)
            {
                Redraw();
            }

            output.Flush();
        }
    }

    private void Redraw()
    {
        if (_drawn > 0)
        {
            output.Write($"\u001b[{_drawn}F"); // back to the start of the first line drawn
        }

        foreach (var id in _order)
        {
            var line = _lines[id];
            output.Write("\u001b[2K"); // clear the old text of this line
            output.WriteLine(line.ShowBar && line.Total > 0
                ? $"{id}: {line.Status} [{Bar(line.Bytes, line.Total)}] {Humanize.Size(line.Bytes)}/{Humanize.Size(line.Total)}"
                : $"{id}: {line.Status}");
        }

        _drawn = _order.Count;
        output.Flush();
        _sinceRedraw.Restart();
    }

    /// <summary>Draws <c>[=====&gt;     ]</c> for how much of <paramref name="total"/> is done.</summary>
    internal static string Bar(long bytes, long total)
    {
        var filled = total <= 0 ? BarWidth : (int)(Math.Clamp(bytes, 0, total) * BarWidth / total);
        return new string('=', Math.Max(0, filled - 1)) + (filled > 0 ? ">" : string.Empty) + new string(' ', BarWidth - filled);
    }

    private sealed record Line(string Status, long Bytes, long Total, bool ShowBar);
}
