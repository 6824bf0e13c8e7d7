using Containers.Cli.Cli;
using Containers.Images;

namespace Containers.Cli.Commands;

/// <summary>The image commands: <c>images</c>, <c>image inspect</c>, <c>tag</c>, <c>rmi</c>, <c>image prune</c>.</summary>
internal static class ImageCommands
{
    private static readonly OptionSpec Format = OptionSpec.Value("format", 'f', "string", "Output format: table (default), json, or a Go template ({{.Repository}}:{{.Tag}})");

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("image ls", "List images", "[REPOSITORY[:TAG]]",
            [OptionSpec.Flag("quiet", 'q', "Only show image IDs"), OptionSpec.Flag("all", 'a', "Show all images"), OptionSpec.Flag("no-trunc", null, "Don't truncate output"), OptionSpec.Flag("digests", null, "Show digests"), Format],
            ListAsync, ["images", "image list"]),
        new("image inspect", "Display detailed information on one or more images", "IMAGE [IMAGE...]", [Format], InspectAsync),
        new("image tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", [], TagAsync, ["tag"]),
        new("image rm", "Remove one or more images", "IMAGE [IMAGE...]",
            [OptionSpec.Flag("force", 'f', "Force removal of the image")], RemoveAsync, ["rmi", "image remove"]),
        new("image prune", "Remove unused images", string.Empty,
            [OptionSpec.Flag("all", 'a', "Remove all unused images, not just dangling ones"), OptionSpec.Flag("force", 'f', "Do not prompt for confirmation")], PruneAsync),
    ];

    private static async Task<int> ListAsync(CommandContext context)
    {
        var images = await context.ImageReader.Images.ListAsync(context.CancellationToken);
        if (context.Args.Positionals.Count > 0)
        {
            var filter = context.Args.Positionals[0];
            images = images.Where(i => i.Names.Any(n => Matches(n, filter))).ToList();
        }

        var noTrunc = context.Args.Flag("no-trunc");
        string Id(Digest id) => noTrunc ? id.ToString() : id.ShortId;
        if (context.Args.Flag("quiet"))
        {
            foreach (var id in images.Select(i => Id(i.Id)).Distinct())
            {
                context.Out.WriteLine(id);
            }

            return 0;
        }

        if (GoTemplate.IsTemplate(context.Args.Value("format")))
        {
            // docker images' template fields, one row per name as in the table.
            FormattedOutput.Write(context.Out, context.Args.Value("format"), images.SelectMany(i => NameRows(i)
                .Select(n => new ImageTemplateRow(n.Repository, n.Tag, Id(i.Id), i.ManifestDigest.ToString(), Humanize.Ago(i.Created),
                    i.Created?.ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, Humanize.Size(i.Size)))).ToList());
            return 0;
        }

        if (context.Json)
        {
            JsonOutput.Write(context.Out, images.Select(i => new ImageListItem(
                i.Id.ToString(),
                i.ManifestDigest.ToString(),
                i.Names.Where(n => n.Tag is not null).Select(n => n.FamiliarName).ToList(),
                i.Created,
                i.Size)).ToList());
            return 0;
        }

        var digests = context.Args.Flag("digests");
        var rows = images.SelectMany(i => NameRows(i)
            .Select(n => (IReadOnlyList<string>)(digests
                ? [n.Repository, n.Tag, i.ManifestDigest.ToString(), Id(i.Id), Humanize.Ago(i.Created), Humanize.Size(i.Size)]
                : [n.Repository, n.Tag, Id(i.Id), Humanize.Ago(i.Created), Humanize.Size(i.Size)])));
        TableWriter.Write(context.Out, digests ? ["REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"] : ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows);
        return 0;
    }

    private static Task<int> InspectAsync(CommandContext context) => InspectImagesAsync(context, name => $"Error: No such image: {name}");

    /// <summary>Prints a JSON array describing each named image; names not found are reported on stderr and fail the command.</summary>
    internal static async Task<int> InspectImagesAsync(CommandContext context, Func<string, string> notFound)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"inspect\" requires at least 1 argument");
        }

        var results = new List<object>();
        var failed = false;
        foreach (var name in context.Args.Positionals)
        {
            try
            {
                results.Add(Describe(await context.Engine.Images.InspectAsync(name, context.CancellationToken)));
            }
            catch (ImageNotFoundException)
            {
                context.Error.WriteLine(notFound(name));
                failed = true;
            }
        }

        FormattedOutput.Write(context.Out, context.Args.Value("format"), results);
        return failed ? 1 : 0;
    }

    /// <summary>Shapes an image as docker's <c>image inspect</c> does, with the OCI documents alongside.</summary>
    internal static ImageInspectDocument Describe(ImageDetails image) => new()
    {
        Id = image.Id.ToString(),
        RepoTags = image.Names.Where(n => n.Tag is not null).Select(n => n.FamiliarName).ToList(),
        RepoDigests = image.RepoDigests,
        Created = image.Configuration.Created,
        Author = image.Configuration.Author,
        Config = image.Configuration.Config,
        Architecture = image.Platform.Architecture,
        Variant = image.Platform.Variant,
        Os = image.Platform.OS,
        Size = image.Size,
        RootFS = new("layers", image.Layers.Select(l => l.DiffId.ToString()).ToList()),
        Manifest = new(image.ManifestDescriptor.MediaType, image.ManifestDescriptor.Digest.ToString(), image.ManifestDescriptor.Size),
        Layers = image.Layers.Select(l => new ImageLayerShape(l.Descriptor.MediaType, l.Descriptor.Digest.ToString(), l.Descriptor.Size, l.DiffId.ToString())).ToList(),
        History = image.Configuration.History,
    };

    private static async Task<int> TagAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count != 2)
        {
            throw new UsageException("\"tag\" requires exactly 2 arguments: SOURCE_IMAGE TARGET_IMAGE");
        }

        await context.Engine.Images.TagAsync(context.Args.Positionals[0], context.Args.Positionals[1], context.CancellationToken);
        return 0;
    }

    private static async Task<int> RemoveAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"rmi\" requires at least 1 argument");
        }

        var status = 0;
        foreach (var name in context.Args.Positionals)
        {
            try
            {
                foreach (var removal in await context.Engine.Images.RemoveAsync(name, context.Args.Flag("force"), context.CancellationToken))
                {
                    context.Out.WriteLine(removal);
                }
            }
            catch (ContainersException e)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                status = 1;
            }
        }

        return status;
    }

    private static async Task<int> PruneAsync(CommandContext context)
    {
        var result = await context.Engine.Images.PruneAsync(context.Args.Flag("all"), context.CancellationToken);
        if (result.Removals.Count > 0)
        {
            context.Out.WriteLine("Deleted Images:");
            foreach (var removal in result.Removals)
            {
                context.Out.WriteLine($"{removal.Kind.ToString().ToLowerInvariant()}: {removal.Value}");
            }

            context.Out.WriteLine();
        }

        context.Out.WriteLine($"Total reclaimed space: {Humanize.Size(result.SpaceReclaimed)}");
        return 0;
    }

    /// <summary>One (repository, tag) per name of the image, or a single <c>&lt;none&gt;</c> row for an untagged one, as docker lists them.</summary>
    private static IEnumerable<(string Repository, string Tag)> NameRows(ImageSummary image) =>
        image.Names.Count == 0 ? [(Repository: "<none>", Tag: "<none>")] : image.Names.Select(Split);

    private static (string Repository, string Tag) Split(ImageReference name)
    {
        var familiar = name.WithoutDigest().FamiliarName;
        return name.Tag is null ? (familiar[..familiar.LastIndexOf(':')], "<none>") : (familiar[..^(name.Tag.Length + 1)], name.Tag);
    }

    private static bool Matches(ImageReference name, string filter) =>
        ImageReference.TryParse(filter, out var wanted) && (filter.Contains(':', StringComparison.Ordinal) ? name.Equals(wanted) : name.Name == wanted.Name);
}
