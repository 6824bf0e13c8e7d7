using Containers.Build;
using Containers.Cli.Cli;
using Containers.Images;

namespace Containers.Cli.Commands;

/// <summary>
/// The <c>build</c> command: builds an image from a Dockerfile and a context directory, or a context tar on standard
/// input (<c>-</c>), printing a line per step.
/// </summary>
internal static class BuildCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("image build", "Build an image from a Dockerfile", "[OPTIONS] CONTEXT|-",
            [
                OptionSpec.Value("tag", 't', "name", "Name and optionally a tag (name:tag); repeatable"),
                OptionSpec.Value("file", 'f', "string", "Name of the Dockerfile (default: CONTEXT/Dockerfile)"),
                OptionSpec.Value("build-arg", null, "list", "Set a build-time variable (KEY=VALUE); repeatable"),
                OptionSpec.Value("target", null, "string", "Set the target build stage to build"),
                OptionSpec.Flag("no-cache", null, "Do not use cache when building the image"),
                OptionSpec.Flag("pull", null, "Always attempt to pull a newer version of the base images"),
                OptionSpec.Value("label", null, "list", "Set metadata for an image (KEY=VALUE); repeatable"),
                OptionSpec.Value("platform", null, "string", "Set the target platform (os/arch[/variant])"),
                OptionSpec.Value("network", null, "string", "Network mode for RUN instructions (default: the default network; none)"),
                OptionSpec.Flag("quiet", 'q', "Print only the image ID"),
            ],
            BuildAsync, ["build"]),
    ];

    private static async Task<int> BuildAsync(CommandContext context)
    {
        var directory = context.Args.Positional(0, "CONTEXT");
        var fromStdin = directory == "-";
        var file = context.Args.Value("file");
        var options = new BuildOptions
        {
            Tags = context.Args.Values("tag"),

            // With a tar on standard input, -f names a file inside it, as with Docker.
            Dockerfile = file is null ? "Dockerfile" : fromStdin ? file : Path.GetFullPath(file),
            BuildArgs = Pairs(context.Args.Values("build-arg"), "--build-arg"),
            Target = context.Args.Value("target"),
            NoCache = context.Args.Flag("no-cache"),
            Pull = context.Args.Flag("pull"),
            Labels = Pairs(context.Args.Values("label"), "--label"),
            Platform = context.Args.Value("platform") is { } platform ? Platform.Parse(platform) : null,
            Network = context.Args.Value("network"),
        };
        var quiet = context.Args.Flag("quiet");
        var progress = new StepPrinter(quiet ? TextWriter.Null : context.Out);
        ImageDetails image;
        if (fromStdin)
        {
            await using var tar = Console.OpenStandardInput();
            image = await context.Engine.Images.BuildAsync(tar, options, progress, context.CancellationToken);
        }
        else
        {
            image = await context.Engine.Images.BuildAsync(directory, options, progress, context.CancellationToken);
        }

        context.Out.WriteLine(quiet ? image.Id.ToString() : $"Successfully built {image.Id.ShortId}");
        if (!quiet)
        {
            foreach (var tag in image.Names)
            {
                context.Out.WriteLine($"Successfully tagged {tag.FamiliarName}");
            }
        }

        return 0;
    }

    /// <summary>Parses KEY=VALUE options; a bare KEY takes its value from this process's environment, as Docker does for build args.</summary>
    private static Dictionary<string, string> Pairs(IReadOnlyList<string> values, string flag)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw new UsageException($"invalid {flag} '{value}': expected KEY=VALUE");
            }

            if (equals < 0)
            {
                if (Environment.GetEnvironmentVariable(value) is { } fromEnvironment)
                {
                    pairs[value] = fromEnvironment;
                }

                continue;
            }

            pairs[value[..equals]] = value[(equals + 1)..];
        }

        return pairs;
    }

    /// <summary>Prints a line per step (<c>CACHED</c> when reused) and the output of RUN steps, indented.</summary>
    private sealed class StepPrinter(TextWriter output) : IProgress<BuildProgress>
    {
        private readonly Lock _lock = new();

        public void Report(BuildProgress value)
        {
            lock (_lock)
            {
                output.WriteLine(value.Output is { } line
                    ? "  " + line
                    : $"[{value.Stage} {value.Step}/{value.Steps}] {value.Instruction}{(value.Cached ? " CACHED" : string.Empty)}");
            }
        }
    }
}
