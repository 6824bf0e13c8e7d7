using Containers.Containers;
using Containers.Containers.Security;
using Containers.Linux.Cgroups;
using Containers.Linux.Interop;
using Containers.Linux.Runtime;
using Containers.Oci.Runtime;
using Containers.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Linux.Tests.Runtime;

/// <summary>
/// The CVE-2024-21626 class: a descriptor the engine process holds must not give the container a way out of its root,
/// such as a working directory of <c>/proc/self/fd/N</c> resolving to a host directory.
/// </summary>
public sealed class DescriptorLeakTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_working_directory_through_an_engine_descriptor_cannot_reach_the_host(bool closeOnExec)
    {
        using var host = new TempDirectory("hardening-fd");
        await File.WriteAllTextAsync(host.Combine("host-secret"), "leaked");
        var fd = Libc.open(host.Path, Libc.O_RDONLY | Libc.O_DIRECTORY | (closeOnExec ? Libc.O_CLOEXEC : 0), 0);
        fd.Should().BeGreaterThan(2);
        try
        {
            var escape = () => fixture.RunAsync(new ContainerCreateOptions
            {
                Image = "busybox",
                WorkingDirectory = $"/proc/self/fd/{fd}",
                Command = ["sh", "-c", "cat host-secret; ls"],
                AutoRemove = true,
            });

            // The descriptor is closed before the container's paths are resolved, so the path names nothing.
            var failure = (await escape.Should().ThrowAsync<ContainerStartException>()).Which;
            failure.Message.Should().Contain($"working directory /proc/self/fd/{fd}").And.Contain("ENOENT");
            (await fixture.Containers.ListAsync(all: true)).Should().BeEmpty();
            (Directory.Exists(fixture.CgroupParent("memory")) ? Directory.EnumerateDirectories(fixture.CgroupParent("memory")) : []).Should().BeEmpty("no cgroup is left behind");
        }
        finally
        {
            Libc.close(fd);
        }
    }

    [Fact]
    public async Task Only_standard_streams_reach_the_program_even_from_descriptors_without_close_on_exec()
    {
        using var host = new TempDirectory("hardening-fd");
        var fd = Libc.open(host.Path, Libc.O_RDONLY | Libc.O_DIRECTORY, 0);
        try
        {
            var (_, stdout, _) = await fixture.RunAsync("ls", "/proc/self/fd");

            // 0, 1, 2, and the directory ls itself opened.
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("0", "1", "2", "3");
        }
        finally
        {
            Libc.close(fd);
        }
    }

    [Fact]
    public async Task A_working_directory_outside_the_root_is_refused_after_chdir()
    {
        // Without a PID namespace the container's /proc shows the host's processes, and the engine's /proc/<pid>/cwd is
        // a host directory: chdir succeeds, so only the check after it (getcwd reads "(unreachable)/") stops the escape.
        using var rootfs = new TempDirectory("hardening-rootfs");
        Directory.CreateDirectory(rootfs.Combine("bin"));
        Directory.CreateDirectory(rootfs.Combine("proc"));
        Directory.CreateDirectory(rootfs.Combine("dev"));
        File.Copy(TestImages.BusyboxPath, rootfs.Combine("bin", "busybox"));
        File.CreateSymbolicLink(rootfs.Combine("bin", "sh"), "busybox");
        var spec = new RuntimeSpec
        {
            Process = new RuntimeProcess
            {
                Args = ["/bin/sh", "-c", "ls"],
                Env = ["PATH=/bin"],
                Cwd = $"/proc/{Environment.ProcessId}/cwd",
                Capabilities = new RuntimeCapabilities { Bounding = Capabilities.All, Effective = Capabilities.All, Permitted = Capabilities.All },
            },
            Root = new RuntimeRoot { Path = rootfs.Path },
            Mounts = [new RuntimeMount { Destination = "/proc", Type = "proc", Source = "proc" }],
            Linux = new RuntimeLinux { Namespaces = [new RuntimeNamespace { Type = "mount" }] },
        };
        var runtime = new LinuxContainerRuntime(CgroupDetector.Detect(), NullLogger<LinuxContainerRuntime>.Instance);

        var act = () => runtime.CreateAsync("hardening-cwd", spec, openStdin: false);

        var failure = (await act.Should().ThrowAsync<ContainerStartException>()).Which;
        failure.Message.Should().Contain($"working directory /proc/{Environment.ProcessId}/cwd resolves outside the container's root filesystem");
        failure.ErrnoName.Should().Be("ENOENT");
    }
}
