using Containers.Cli.Cli;

namespace Containers.Cli.Commands;

/// <summary>Store-wide commands: <c>system df</c>, <c>system gc</c> and the generic <c>inspect</c>.</summary>
internal static class SystemCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("system df", "Show disk usage", string.Empty, [OptionSpec.Value("format", null, "string", "Output format: table (default) or json")], DiskUsageAsync),
        new("inspect", "Return low-level information on images", "NAME|ID [NAME|ID...]",
            [OptionSpec.Value("format", 'f', "string", "Output format (json)"), OptionSpec.Value("type", null, "string", "Only inspect objects of the given type")],
            InspectAsync),
    ];

    private static async Task<int> DiskUsageAsync(CommandContext context)
    {
        var images = await context.Engine.Images.GetDiskUsageAsync(context.CancellationToken);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new[] { new { Type = "Images", TotalCount = images.Images, Active = images.ActiveImages, Size = images.ContentSize, Reclaimable = images.ReclaimableSize } });
            return 0;
        }

        var percent = images.ContentSize == 0 ? 0 : images.ReclaimableSize * 100 / images.ContentSize;
        TableWriter.Write(context.Out, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
        [
            ["Images", images.Images.ToString(System.Globalization.CultureInfo.InvariantCulture), images.ActiveImages.ToString(System.Globalization.CultureInfo.InvariantCulture), Humanize.Size(images.ContentSize), $"{Humanize.Size(images.ReclaimableSize)} ({percent}%)"],
        ]);
        return 0;
    }

    private static Task<int> InspectAsync(CommandContext context) =>
        ImageCommands.InspectImagesAsync(context, name => $"Error: No such object: {name}");
}
