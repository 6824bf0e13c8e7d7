namespace Containers.Cli.Cli;

/// <summary>Prints results as <c>--format</c> asks: a Go template applied to each result, one per line, or else indented JSON.</summary>
internal static class FormattedOutput
{
    /// <summary>Writes each item through the template in <paramref name="format"/>, or all items as a JSON array when it is not a template.</summary>
    /// <exception cref="GoTemplateException">The template does not parse or names a field the results lack.</exception>
    public static void Write<T>(TextWriter output, string? format, IReadOnlyList<T> items)
    {
        if (!GoTemplate.IsTemplate(format))
        {
            JsonOutput.Write(output, items);
            return;
        }

        var template = GoTemplate.Parse(format!);
        foreach (var item in items)
        {
            output.WriteLine(template.Execute(JsonOutput.ToElement<object?>(item)));
        }
    }
}
