using Containers.Cli.Cli;
using Containers.Registry.Auth;
using Containers.Registry.Hosting;
using Containers.Registry.Pull;
using Containers.Registry.Push;

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
        var display = quiet ? null : new ProgressDisplay(context.Out, ProgressDisplay.IsTerminal(context.Out));
        var image = await context.Engine.Registry().PullAsync(reference, new PullOptions
        {
            Platform = context.Args.Value("platform") is { } platform ? Images.Platform.Parse(platform) : null,
            Progress = display is null ? null : new PullProgressPrinter(display),
        }, context.CancellationToken);
        display?.Finish();
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
        // Per-blob progress only on a terminal: redirected, a push prints just its digest line.
        var display = !context.Args.Flag("quiet") && ProgressDisplay.IsTerminal(context.Out) ? new ProgressDisplay(context.Out, interactive: true) : null;
        var digest = await context.Engine.Registry().PushAsync(image, destination, new PushOptions
        {
            Progress = display is null ? null : new PushProgressPrinter(display),
        }, context.CancellationToken);
        display?.Finish();
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

    /// <summary>Shows a pull's blobs: Waiting, Downloading (with a bar on a terminal), Already exists, Pull complete.</summary>
    private sealed class PullProgressPrinter(ProgressDisplay display) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => display.Update(
            value.Digest.ShortId,
            value.State switch
            {
                PullState.Waiting => "Waiting",
                PullState.Exists => "Already exists",
                PullState.Complete => "Pull complete",
                _ => "Downloading",
            },
            value.Bytes,
            value.Total,
            value.State == PullState.Downloading);
    }

    /// <summary>Shows a push's blobs on a terminal: Layer already exists, Mounted, Pushing (with a bar), Pushed.</summary>
    private sealed class PushProgressPrinter(ProgressDisplay display) : IProgress<PushProgress>
    {
        public void Report(PushProgress value) => display.Update(
            value.Digest.ShortId,
            value.State switch
            {
                PushState.Exists => "Layer already exists",
                PushState.Mounted => "Mounted",
                PushState.Complete => "Pushed",
                _ => "Pushing",
            },
            value.Bytes,
            value.Total,
            value.State == PushState.Uploading);
    }
}
