using Containers.Cli.Cli;
using Containers.Registry.Auth;
using Containers.Registry.Hosting;
using Containers.Registry.Pull;

namespace Containers.Cli.Commands;

/// <summary>Registry commands: pull, push, login, logout, image tags.</summary>
internal static class RegistryCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("image pull", "Download an image from a registry", "NAME[:TAG|@DIGEST]",
            [OptionSpec.Flag("quiet", 'q', "Suppress verbose output"), OptionSpec.Value("platform", null, "string", "Set platform if the image is multi-platform")], PullAsync, ["pull"]),
        new("image push", "Upload an image to a registry", "NAME[:TAG] [DESTINATION]", [OptionSpec.Flag("quiet", 'q', "Suppress verbose output")], PushAsync, ["push"]),
        new("image tags", "List the tags of a repository in its registry", "REPOSITORY", [OptionSpec.Value("format", null, "string", "Output format: lines (default) or json")], TagsAsync),
        new("login", "Log in to a registry", "[SERVER]",
            [OptionSpec.Value("username", 'u', "string", "Username"), OptionSpec.Value("password", 'p', "string", "Password"), OptionSpec.Flag("password-stdin", null, "Take the password from stdin")], LoginAsync),
        new("logout", "Log out from a registry", "[SERVER]", [], LogoutAsync),
    ];

    private static async Task<int> PullAsync(CommandContext context)
    {
        var reference = context.Args.Positional(0, "NAME");
        var quiet = context.Args.Flag("quiet");
        var progress = quiet ? null : new ProgressPrinter(context.Out);
        var image = await context.Engine.Registry().PullAsync(reference, new PullOptions
        {
            Platform = context.Args.Value("platform") is { } platform ? Images.Platform.Parse(platform) : null,
            Progress = progress,
        }, context.CancellationToken);
        progress?.Finish();
        if (!quiet)
        {
            context.Out.WriteLine($"Digest: {image.ManifestDescriptor.Digest}");
            context.Out.WriteLine($"Status: Downloaded image for {Images.ImageReference.Parse(reference).FamiliarName}");
        }

        context.Out.WriteLine(quiet ? image.Id.ToString() : Images.ImageReference.Parse(reference).ToString());
        return 0;
    }

    private static async Task<int> PushAsync(CommandContext context)
    {
        var image = context.Args.Positional(0, "NAME");
        var destination = context.Args.Positionals.Count > 1 ? context.Args.Positionals[1] : null;
        var digest = await context.Engine.Registry().PushAsync(image, destination, context.CancellationToken);
        context.Out.WriteLine(context.Args.Flag("quiet") ? digest.ToString() : $"{Images.ImageReference.Parse(destination ?? image).FamiliarName}: digest: {digest}");
        return 0;
    }

    private static async Task<int> TagsAsync(CommandContext context)
    {
        var tags = await context.Engine.Registry().ListTagsAsync(context.Args.Positional(0, "REPOSITORY"), context.CancellationToken);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, tags);
        }
        else
        {
            foreach (var tag in tags)
            {
                context.Out.WriteLine(tag);
            }
        }

        return 0;
    }

    private static async Task<int> LoginAsync(CommandContext context)
    {
        var server = context.Args.Positionals.Count > 0 ? context.Args.Positionals[0] : "docker.io";
        var username = context.Args.Value("username") ?? throw new UsageException("--username is required");
        var password = context.Args.Flag("password-stdin")
            ? (await Console.In.ReadToEndAsync(context.CancellationToken)).TrimEnd('\n', '\r')
            : context.Args.Value("password") ?? throw new UsageException("give --password or --password-stdin");
        await context.Engine.Registry().LoginAsync(server, new RegistryCredential(username, password), context.CancellationToken);
        context.Out.WriteLine("Login Succeeded");
        return 0;
    }

    private static async Task<int> LogoutAsync(CommandContext context)
    {
        var server = context.Args.Positionals.Count > 0 ? context.Args.Positionals[0] : "docker.io";
        var removed = await context.Engine.Registry().LogoutAsync(server, context.CancellationToken);
        context.Out.WriteLine(removed ? $"Removing login credentials for {server}" : $"Not logged in to {server}");
        return 0;
    }

    /// <summary>Prints one line per blob as it changes state: a bar on a terminal, plain lines when redirected.</summary>
    private sealed class ProgressPrinter(TextWriter output) : IProgress<PullProgress>
    {
        private readonly object _gate = new();
        private readonly Dictionary<Images.Digest, PullState> _states = [];

        public void Report(PullProgress value)
        {
            lock (_gate)
            {
                if (_states.TryGetValue(value.Digest, out var previous) && previous == value.State && (value.State != PullState.Downloading || Console.IsOutputRedirected))
                {
                    return;
                }

                _states[value.Digest] = value.State;
                var id = value.Digest.ShortId;
                var text = value.State switch
                {
                    PullState.Waiting => "Waiting",
                    PullState.Exists => "Already exists",
                    PullState.Complete => "Pull complete",
                    _ => Console.IsOutputRedirected ? "Downloading" : $"Downloading [{Bar(value.Bytes, value.Total)}] {Humanize.Size(value.Bytes)}/{Humanize.Size(value.Total)}",
                };
                output.WriteLine($"{id}: {text}");
            }
        }

        public void Finish() => output.Flush();

        private static string Bar(long bytes, long total)
        {
            const int Width = 30;
            var filled = total == 0 ? Width : (int)(bytes * Width / total);
            return new string('=', Math.Max(0, filled - 1)) + (filled > 0 ? ">" : string.Empty) + new string(' ', Width - filled);
        }
    }
}
