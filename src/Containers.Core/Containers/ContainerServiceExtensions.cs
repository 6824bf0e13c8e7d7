namespace Containers.Containers;

/// <summary>Conveniences over <see cref="IContainerService"/>.</summary>
public static class ContainerServiceExtensions
{
    /// <summary>Runs a command inside a running container and collects its output and exit code, as Testcontainers' <c>ExecAsync</c> does.</summary>
    /// <exception cref="ContainerStateException">The container does not run.</exception>
    /// <exception cref="ContainerCommandException">The program is not in the container or not executable.</exception>
    public static async Task<ExecResult> ExecAsync(this IContainerService containers, string nameOrId, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(containers);
        var execution = await containers.StartExecAsync(nameOrId, new ExecOptions { Command = command }, cancellationToken).ConfigureAwait(false);
        await using (execution.ConfigureAwait(false))
        {
            using var stdout = new StreamReader(execution.StandardOutput);
            using var stderr = new StreamReader(execution.StandardError);
            var output = stdout.ReadToEndAsync(cancellationToken);
            var error = stderr.ReadToEndAsync(cancellationToken);
            var code = await execution.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return new ExecResult(await output.ConfigureAwait(false), await error.ConfigureAwait(false), code);
        }
    }
}
