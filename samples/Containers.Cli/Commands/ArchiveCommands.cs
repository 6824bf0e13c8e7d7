using Containers.Archives;
using Containers.Cli.Cli;
using Containers.Images;

namespace Containers.Cli.Commands;

/// <summary>Moving images in and out of the store: <c>load</c>, <c>save</c>, <c>import</c>.</summary>
internal static class ArchiveCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("image load", "Load images from a tar archive (docker save or OCI) or an OCI layout directory", string.Empty,
            [OptionSpec.Value("input", 'i', "string", "Read from an archive file or OCI layout directory instead of STDIN"), OptionSpec.Flag("quiet", 'q', "Suppress the load output")],
            LoadAsync, ["load"]),
        new("image save", "Save one or more images to a tar archive (streamed to STDOUT by default)", "IMAGE [IMAGE...]",
            [OptionSpec.Value("output", 'o', "string", "Write to a file (or, with --format oci-dir, a directory) instead of STDOUT"), OptionSpec.Value("format", null, "string", "docker-archive (default), oci-archive or oci-dir")],
            SaveAsync, ["save"]),
        new("image import", "Import the contents from a tarball to create a filesystem image", "file|- [REPOSITORY[:TAG]]",
            [OptionSpec.Value("change", 'c', "list", "Apply Dockerfile instruction to the created image"), OptionSpec.Value("message", 'm', "string", "Set commit message for imported image"), OptionSpec.Value("platform", null, "string", "Set platform if server is multi-platform capable")],
            ImportAsync, ["import"]),
    ];

    private static async Task<int> LoadAsync(CommandContext context)
    {
        var input = context.Args.Value("input");
        IReadOnlyList<ImageDetails> loaded;
        if (input is not null && Directory.Exists(input))
        {
            loaded = await context.Engine.Images.LoadLayoutAsync(input, context.CancellationToken);
        }
        else
        {
            await using var stream = input is null ? Console.OpenStandardInput() : File.OpenRead(input);
            loaded = await context.Engine.Images.LoadAsync(stream, context.CancellationToken);
        }

        if (!context.Args.Flag("quiet"))
        {
            foreach (var image in loaded)
            {
                if (image.Names.Count == 0)
                {
                    context.Out.WriteLine($"Loaded image ID: {image.Id}");
                }

                foreach (var name in image.Names)
                {
                    context.Out.WriteLine($"Loaded image: {name.FamiliarName}");
                }
            }
        }

        return 0;
    }

    private static async Task<int> SaveAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            throw new UsageException("\"save\" requires at least 1 argument");
        }

        var output = context.Args.Value("output");
        var format = context.Args.Value("format") ?? "docker-archive";
        if (format == "oci-dir")
        {
            await context.Engine.Images.SaveLayoutAsync(context.Args.Positionals, output ?? throw new UsageException("--format oci-dir needs --output DIRECTORY"), context.CancellationToken);
            return 0;
        }

        var archiveFormat = format switch
        {
            "docker-archive" => ArchiveFormat.DockerArchive,
            "oci-archive" => ArchiveFormat.OciArchive,
            _ => throw new UsageException($"unknown format '{format}': use docker-archive, oci-archive or oci-dir"),
        };
        if (output is null && !Console.IsOutputRedirected)
        {
            throw new UsageException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
        }

        if (output is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await context.Engine.Images.SaveAsync(context.Args.Positionals, stdout, archiveFormat, context.CancellationToken);
            return 0;
        }

        // Write beside the target and rename, so a failed save never leaves a truncated archive behind.
        var temp = output + ".partial";
        try
        {
            await using (var file = File.Create(temp))
            {
                await context.Engine.Images.SaveAsync(context.Args.Positionals, file, archiveFormat, context.CancellationToken);
            }

            File.Move(temp, output, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return 0;
    }

    private static async Task<int> ImportAsync(CommandContext context)
    {
        var source = context.Args.Positional(0, "file|-");
        var options = new ImportOptions
        {
            Reference = context.Args.Positionals.Count > 1 ? context.Args.Positionals[1] : null,
            Changes = context.Args.Values("change"),
            Message = context.Args.Value("message"),
            Platform = context.Args.Value("platform") is { } platform ? Platform.Parse(platform) : null,
        };
        if (source != "-" && Directory.Exists(source))
        {
            throw new UsageException($"import {source}: is a directory; give a tar archive of a root filesystem (or - to read one from standard input)");
        }

        await using var stream = source == "-" ? Console.OpenStandardInput() : File.OpenRead(source);
        var image = await context.Engine.Images.ImportAsync(stream, options, context.CancellationToken);
        context.Out.WriteLine(image.Id);
        return 0;
    }
}
