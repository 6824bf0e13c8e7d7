using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>
/// The packages as a user gets them: a new console project references them by version from the local feed, builds with
/// warnings as errors (no CA1416 from AddLinuxRuntime), and runs an attached and a detached container, a fixture (busybox
/// httpd on the default bridge, a published port, an HTTP wait) and a push and a pull through a loopback registry; as an
/// unprivileged user it stops at once with one line saying what it needs.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class PackagedConsumerTests(LocalFeed feed)
{
    [Fact]
    public async Task A_fresh_project_referencing_the_packages_builds_without_warnings_and_runs_containers_a_fixture_pull_and_push()
    {
        using var consumer = ConsumerProject.Create(feed);
        var build = await consumer.BuildAsync();
        build.ExitCode.Should().Be(0, build.Stdout + build.Stderr);
        build.Stdout.Should().Contain("0 Warning(s)");

        // A build without a RID keeps the native assets under runtimes/<rid>/native/, the monitor executable.
        var monitor = Path.Combine(consumer.OutputPath, "runtimes", "linux-x64", "native", "containers-monitor");
        File.Exists(monitor).Should().BeTrue();
        File.GetUnixFileMode(monitor).Should().HaveFlag(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.Exists(Path.Combine(consumer.OutputPath, "runtimes", "linux-x64", "native", "libcontainers_native.so")).Should().BeTrue();

        using var root = new TempDirectory("packages-root");
        using var rootfs = new TempDirectory("packages-rootfs");
        await File.WriteAllBytesAsync(rootfs.Combine("busybox.tar"), await TestImages.BusyboxRootfsAsync());
        await using var registry = await RegistryServer.StartAsync();

        var run = await consumer.RunAsync([], root.Path, rootfs.Combine("busybox.tar"), registry.Host);

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().ContainAll(
            "attached exit 0", "attached ran",
            $"detached monitor {monitor}\n", "detached ran",
            "fixture served served from the packages\n",
            "pushed sha256:", "pulled sha256:", "pulled exit 0", "pulled ran");

        // The same program as nobody: the engine refuses at creation, naming what it needs, before touching the root.
        using var unprivilegedRoot = new TempDirectory("packages-nobody");
        File.SetUnixFileMode(unprivilegedRoot.Path, (UnixFileMode)0x1FF);
        var refused = await consumer.RunAsync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], unprivilegedRoot.Path, rootfs.Combine("busybox.tar"), registry.Host);
        refused.ExitCode.Should().Be(2, refused.Stdout + refused.Stderr);
        refused.Stderr.Trim().Should().Be("consumer: The Linux container runtime needs root: this process runs as uid 65534 without CAP_SYS_ADMIN. Run it as root (sudo) or in a privileged container; rootless mode does not exist yet.");
        Directory.EnumerateFileSystemEntries(unprivilegedRoot.Path).Should().BeEmpty("the check comes before anything is written");
    }
}
