using Containers.Content;
using Containers.Containers;
using Containers.Images;
using Containers.Oci;

namespace Containers.Build;

/// <summary>RUN steps: a container of this engine runs the command on the stage's image; its changes become the layer.</summary>
internal sealed partial class BuildSession
{
    private StepPlan PlanRun(StageState state, RunInstruction run)
    {
        var args = RunArguments(run, state.Shell);
        var network = run.Network ?? _options.Network;
        var key = "RUN " + Json(args) + (network is null ? string.Empty : " --network=" + network) + " |" + ArgsKey(state);
        return new StepPlan(key, "RUN " + Json(args), c => c)
        {
            Execute = (s, output, ct) => ExecuteRunAsync(run, s, args, network, output, ct),
        };
    }

    /// <summary>
    /// The process arguments: the exec form as is; the shell form through the SHELL, with its heredocs appended so the
    /// shell feeds them to the command; a lone heredoc (<c>RUN &lt;&lt;EOF</c>) is the script itself.
    /// </summary>
    internal static IReadOnlyList<string> RunArguments(RunInstruction run, IReadOnlyList<string> shell)
    {
        if (run.Command.IsExec || run.Heredocs.Count == 0)
        {
            return run.Command.ToArguments(shell);
        }

        var text = run.Command.ShellText.Trim();
        if (run.Heredocs.Count == 1 && DockerfileLines.HeredocMarker().Match(text) is { Success: true } marker && marker.Length == text.Length)
        {
            return [.. shell, run.Heredocs[0].Content];
        }

        var script = new System.Text.StringBuilder(run.Command.ShellText).Append('\n');
        foreach (var heredoc in run.Heredocs)
        {
            script.Append(heredoc.Content).Append(heredoc.Name).Append('\n');
        }

        return [.. shell, script.ToString()];
    }

    private async Task<(Descriptor Layer, Digest DiffId)> ExecuteRunAsync(RunInstruction run, StageState state, IReadOnlyList<string> args, string? network, Action<string> output, CancellationToken cancellationToken)
    {
        var image = await MaterializeAsync(state, [], cancellationToken).ConfigureAwait(false);
        var containers = _services.Containers();
        var create = new ContainerCreateOptions
        {
            Image = image.Id.ToString(),
            Name = "build-" + Guid.NewGuid().ToString("N")[..12],
            Entrypoint = [],
            Command = args,
            Environment = RunEnvironment(state),
            User = state.Config.User,
            WorkingDirectory = state.Config.WorkingDir is { Length: > 0 } workdir ? workdir : null,
            Network = network,
        };

        // The engine's own service keeps the step's container marked as this process's until it is removed, so a killed
        // build leaves no container behind: the next engine start removes it with its mount, cgroup and network.
        var container = containers is ContainerService engine
            ? await engine.CreateOwnedAsync(create, cancellationToken).ConfigureAwait(false)
            : await containers.CreateAsync(create, cancellationToken).ConfigureAwait(false);
        try
        {
            await containers.StartAsync(container.Id, cancellationToken).ConfigureAwait(false);
            using var logCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var logs = Task.Run(async () =>
            {
                await foreach (var entry in containers.LogsAsync(container.Id, new LogOptions { Follow = true }, logCancellation.Token).ConfigureAwait(false))
                {
                    output(entry.Text.TrimEnd('\n'));
                }
            }, logCancellation.Token);
            var exitCode = await containers.WaitAsync(container.Id, cancellationToken).ConfigureAwait(false);
            await Task.WhenAny(logs, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)).ConfigureAwait(false);
            await logCancellation.CancelAsync().ConfigureAwait(false);
            await logs.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new BuildStepFailedException(_dockerfile.FileName, run.Line, run.Text, exitCode);
            }

            await RemoveMountPointsAsync(container.Id, image, state, cancellationToken).ConfigureAwait(false);
            var writer = await Content.BeginWriteAsync(DigestAlgorithm.Sha256, cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                await _services.Rootfs().WriteDiffAsync(container.Id, writer.AsStream(), cancellationToken).ConfigureAwait(false);
                var blob = await writer.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return (new Descriptor { MediaType = MediaTypes.OciLayer, Digest = blob.Digest, Size = blob.Size }, blob.Digest);
            }
        }
        finally
        {
            await containers.RemoveAsync(container.Id, force: true, removeVolumes: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes the empty files the runtime created only to mount the container's hosts, hostname and resolv.conf on,
    /// when the image had none: they are not the command's work, and Docker's builder leaves them out too.
    /// </summary>
    private async Task RemoveMountPointsAsync(string containerId, ImageDetails image, StageState state, CancellationToken cancellationToken)
    {
        var rootfs = _services.Rootfs();
        var root = await rootfs.MountAsync(containerId, image, cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var name in RuntimeMountPoints)
            {
                var path = Path.Combine(root, name);
                if (new FileInfo(path) is { Exists: true, Length: 0, LinkTarget: null }
                    && !(await IndexAsync(state.Layers, cancellationToken).ConfigureAwait(false)).Exists(name))
                {
                    File.Delete(path);
                }
            }
        }
        finally
        {
            await rootfs.UnmountAsync(containerId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static readonly string[] RuntimeMountPoints = ["etc/hosts", "etc/hostname", "etc/resolv.conf"];

    /// <summary>Records a stage's image in the store (unnamed unless names are given) so containers can use it.</summary>
    private async Task<ImageDetails> MaterializeAsync(StageState state, IReadOnlyList<ImageReference> names, CancellationToken cancellationToken)
    {
        var config = await Content.WriteAsync(OciSerializer.Serialize(state.Image), cancellationToken).ConfigureAwait(false);
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.Digest, Size = config.Size },
            Layers = state.Layers,
        };
        var blob = await Content.WriteAsync(OciSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
        return await _services.Images.AddAsync(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = blob.Digest, Size = blob.Size }, names, cancellationToken).ConfigureAwait(false);
    }
}
