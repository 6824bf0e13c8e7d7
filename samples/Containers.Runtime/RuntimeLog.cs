using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Containers.Runtime;

/// <summary>
/// Reports errors as runc does: on standard error in logrus's text format and, with <c>--log</c>, also appended to
/// that file in the requested format (conmon reads the last JSON line's <c>msg</c> after a failed create).
/// </summary>
internal sealed class RuntimeLog(TextWriter stderr, string? path, string format)
{
    public void Error(string message)
    {
        var time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var text = $"time=\"{time}\" level=error msg=\"{message.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        stderr.WriteLine(text);
        if (path is null)
        {
            return;
        }

        string line;
        if (format == "json")
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("level", "error");
                writer.WriteString("msg", message);
                writer.WriteString("time", time);
                writer.WriteEndObject();
            }

            line = Encoding.UTF8.GetString(buffer.ToArray());
        }
        else
        {
            line = text;
        }

        try
        {
            File.AppendAllText(path, line + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"containers-runtime: cannot write the log {path}: {e.Message}");
        }
    }
}
