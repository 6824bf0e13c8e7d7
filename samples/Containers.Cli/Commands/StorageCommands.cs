using Containers.Cli.Cli;
using Containers.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Cli.Commands;

/// <summary>Looking at unpacked images: <c>image mount</c> and <c>image unmount</c>.</summary>
internal static class StorageCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("image mount", "Mount an image's root filesystem read-only and print where", "IMAGE", [], MountAsync),
        new("image unmount", "Unmount an image mounted with image mount", "IMAGE", [], UnmountAsync, ["image umount"]),
    ];

    private static IImageMounter Mounter(CommandContext context) =>
        context.Engine.Services.GetService<IImageMounter>() ?? throw new InvalidOperationException("this engine has no storage driver that can mount images");

    private static async Task<int> MountAsync(CommandContext context)
    {
        var image = await context.Engine.Images.InspectAsync(context.Args.Positional(0, "IMAGE"), context.CancellationToken);
        context.Out.WriteLine(await Mounter(context).MountAsync(image, context.CancellationToken));
        return 0;
    }

    private static async Task<int> UnmountAsync(CommandContext context)
    {
        var image = await context.Engine.Images.InspectAsync(context.Args.Positional(0, "IMAGE"), context.CancellationToken);
        await Mounter(context).UnmountAsync(image, context.CancellationToken);
        context.Out.WriteLine(image.Id);
        return 0;
    }
}
