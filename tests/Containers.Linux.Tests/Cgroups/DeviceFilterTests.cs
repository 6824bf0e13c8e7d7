using System.Diagnostics;
using Containers.Containers.Security;
using Containers.Linux.Cgroups;
using Containers.Linux.Runtime;
using Containers.Oci.Runtime;
using Containers.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Linux.Tests.Cgroups;

/// <summary>
/// The cgroup v2 device filter, compiled to eBPF, loaded through the kernel's verifier and attached to a real cgroup
/// on this machine's cgroup2 tree (<c>/sys/fs/cgroup</c> on v2; <c>/sys/fs/cgroup/unified</c> on a hybrid host, which has
/// no controllers but runs device programs).
/// </summary>
public sealed class DeviceFilterTests : IAsyncLifetime
{
    /// <summary>The host's cgroup2 hierarchy: the root on v2, <c>unified</c> on a hybrid host; a pure v1 host has none (nor uses the filter).</summary>
    private static readonly string? Unified = HostCgroups.Cgroup2Mount();
    private readonly string _cgroup = "hardening-devices-" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _nodes = new("hardening-dev");
    private readonly CgroupV2Manager _manager = new(Unified ?? HostCgroups.DefaultRoot);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _manager.DeleteAsync(_cgroup, CancellationToken.None);
        _nodes.Dispose();
    }

    [Fact]
    public async Task Dockers_rules_allow_mknod_and_the_standard_nodes_but_not_opening_other_devices()
    {
        if (Unified is null)
        {
            return; // pure v1: no cgroup2 tree, no device filter
        }

        _manager.Create(_cgroup, new RuntimeResources { Devices = DefaultDeviceRules.Default });

        var output = await RunInCgroupAsync(
            $"mknod {_nodes.Path}/kvm c 10 232 && echo mknod-ok; true < {_nodes.Path}/kvm && echo kvm-opened; mknod {_nodes.Path}/loop b 7 0; true < {_nodes.Path}/loop && echo loop-opened; " +
            "echo x > /dev/null && echo null-ok; head -c 3 /dev/urandom | wc -c; true < /dev/kmsg && echo kmsg-opened");

        output.Should().Contain("mknod-ok").And.Contain("null-ok").And.Contain("3\n");
        output.Should().NotContain("kvm-opened").And.NotContain("loop-opened").And.NotContain("kmsg-opened");
        output.Should().Contain($"can't open {_nodes.Path}/kvm: Operation not permitted").And.Contain($"can't open {_nodes.Path}/loop: Operation not permitted");
    }

    [Fact]
    public async Task The_privileged_rule_allows_every_device()
    {
        if (Unified is null)
        {
            return; // a pure v1 host has no cgroup2 tree to attach a filter to, and the engine does not use one there
        }

        // A device this host has and can open: /dev/kvm may be absent, and an absent driver fails the open whatever the filter says.
        var device = HostDevice.FindOpenable('c') ?? throw new InvalidOperationException("this host has none of " + string.Join(", ", HostDevice.CharacterCandidates));
        _manager.Create(_cgroup, new RuntimeResources { Devices = DefaultDeviceRules.Privileged });

        var output = await RunInCgroupAsync($"mknod {_nodes.Path}/dev c {device.Major} {device.Minor}; true < {_nodes.Path}/dev && echo dev-opened");

        output.Should().Contain("dev-opened", device.Path);
    }

    [Fact]
    public async Task Rules_without_a_catch_all_deny_by_default_and_honour_partial_access()
    {
        if (Unified is null)
        {
            return; // pure v1: no cgroup2 tree, no device filter
        }

        // Only reading and writing /dev/null: mknod of anything, even /dev/null itself, is refused.
        _manager.Create(_cgroup, new RuntimeResources { Devices = [new RuntimeDeviceRule { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rw" }] });

        var output = await RunInCgroupAsync($"echo x > /dev/null && echo null-ok; true < /dev/zero && echo zero-opened; mknod {_nodes.Path}/null c 1 3 && echo mknod-ok");

        output.Should().Contain("null-ok").And.NotContain("zero-opened").And.NotContain("mknod-ok");
    }

    [Fact]
    public void Attaching_to_a_directory_that_is_no_cgroup_is_a_clear_error()
    {
        var act = () => DeviceFilterLoader.Attach(_nodes.Path, DeviceFilterCompiler.Compile(DefaultDeviceRules.Default));
        act.Should().Throw<IOException>().WithMessage($"attaching the device filter to {_nodes.Path} failed: *");
    }

    [Fact]
    public void Invalid_rules_are_refused()
    {
        var badType = () => DeviceFilterCompiler.Compile([new RuntimeDeviceRule { Allow = true, Type = "x" }]);
        badType.Should().Throw<ArgumentException>().WithMessage("*type 'x' is invalid*");
        var badAccess = () => DeviceFilterCompiler.Compile([new RuntimeDeviceRule { Allow = true, Access = "rx" }]);
        badAccess.Should().Throw<ArgumentException>().WithMessage("*access 'rx' is invalid*");
    }

    [Fact]
    public async Task A_runtime_refusing_a_device_rule_leaves_no_cgroup_behind()
    {
        var path = "dotnet-containers/" + _cgroup;
        Directory.CreateDirectory(Path.Combine(_nodes.Path, "bin"));
        File.Copy(TestImages.BusyboxPath, Path.Combine(_nodes.Path, "bin", "true"));
        var spec = new RuntimeSpec
        {
            Process = new RuntimeProcess { Args = ["/bin/true"] },
            Root = new RuntimeRoot { Path = _nodes.Path },
            Linux = new RuntimeLinux { CgroupsPath = path, Resources = new RuntimeResources { Devices = [new RuntimeDeviceRule { Allow = true, Type = "x" }] } },
        };
        var runtime = new LinuxContainerRuntime(CgroupDetector.Detect(), NullLogger<LinuxContainerRuntime>.Instance);

        var act = () => runtime.CreateAsync("hardening-bad-devices", spec, openStdin: false);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*device rule type 'x' is invalid*");
        Directory.Exists(HostCgroups.Directory("devices", path)).Should().BeFalse();
        Directory.Exists(HostCgroups.Directory("memory", path)).Should().BeFalse();
    }

    /// <summary>Runs a shell that first moves itself into the test cgroup, and returns what it printed on both streams.</summary>
    private async Task<string> RunInCgroupAsync(string script)
    {
        var start = new ProcessStartInfo(TestImages.BusyboxPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "sh", "-c", $"echo $$ > {Unified}/{_cgroup}/cgroup.procs || exit 99; {script}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().NotBe(99, "the shell must enter the cgroup");
        return await stdout + await stderr;
    }
}
