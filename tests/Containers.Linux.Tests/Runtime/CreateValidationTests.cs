using System.Net;
using System.Net.Sockets;
using Containers.Containers;
using Containers.Networks;
using Containers.Testing;
using Containers.Volumes;

namespace Containers.Linux.Tests.Runtime;

/// <summary>
/// Bad options fail <c>create</c> with one line naming the option, as Docker's do; a run that fails or is cancelled at
/// any point leaves nothing of its container (record, mount, cgroup, network endpoint), and its error names it.
/// </summary>
public sealed class CreateValidationTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IContainerService Containers => fixture.Containers;

    public static TheoryData<string> BadInputs => new(Cases.Keys);

    private static readonly Dictionary<string, (Func<ContainerCreateOptions, ContainerCreateOptions> Apply, string Setting, string Expected)> Cases = new()
    {
        ["env without a name"] = (o => o with { Environment = ["=foo"] }, "env", "--env"),
        ["negative cpu shares"] = (o => o with { CpuShares = -5 }, "cpu-shares", "--cpu-shares -5"),
        ["more cpus than the host"] = (o => o with { Cpus = 1000 }, "cpus", $"range of CPUs is from 0.01 to {Environment.ProcessorCount}.00"),
        ["one byte of memory"] = (o => o with { Memory = 1 }, "memory", "Minimum memory limit allowed is 6MB"),
        ["relative workdir"] = (o => o with { WorkingDirectory = "relative/dir" }, "workdir", "it needs to be an absolute path"),
        ["unlimited open files"] = (o => o with { Ulimits = ["nofile=-1"] }, "ulimit", "--ulimit nofile=-1"),
        ["cpuset of a cpu the host lacks"] = (o => o with { CpusetCpus = "99" }, "cpuset-cpus", "Requested CPUs are not available"),
        ["100-character hostname"] = (o => o with { Hostname = new string('h', 100) }, "hostname", "--hostname"),
        ["empty program name"] = (o => o with { Command = [""] }, "command", "program name is empty"),
        ["mount over /proc"] = (o => o with { Mounts = [new ContainerMount { Type = MountType.Bind, Source = "/tmp", Target = "/proc" }] }, "volume", "inside /proc"),
        ["unknown user"] = (o => o with { User = "nobody-here" }, "user", "unable to find user nobody-here"),
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task A_bad_option_names_itself_and_leaves_no_container(string input)
    {
        var (apply, setting, expected) = Cases[input];
        var options = apply(new ContainerCreateOptions { Image = "busybox", Name = "bad-input", Command = ["true"] });

        var act = () => Containers.RunAsync(options);

        var error = (await act.Should().ThrowAsync<InvalidContainerConfigurationException>()).Which;
        error.Setting.Should().Be(setting);
        error.Message.Should().Contain(expected).And.NotContain("\n", "one line");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_failure_at_start_names_the_container_it_removed()
    {
        var act = () => Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Name = "missing-program", Command = ["/no/such/program"] });

        var error = (await act.Should().ThrowAsync<ContainerCommandException>()).Which;
        error.ExitCode.Should().Be(127);
        error.Message.Should().Contain("missing-program").And.Contain(error.AffectedContainerId![..12]).And.Contain("/no/such/program");
        error.AffectedContainerName.Should().Be("missing-program");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task Zero_and_minus_one_pids_limits_mean_unlimited_as_in_Docker()
    {
        foreach (var limit in new long[] { 0, -1 })
        {
            var (exit, stdout, _) = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", PidsLimit = limit, Command = ["echo", "ran"] });
            exit.Should().Be(0);
            stdout.Should().Be("ran\n");
        }
    }

    [Fact]
    public async Task A_run_cancelled_at_any_point_leaves_nothing_and_says_which_container()
    {
        // Cancelled before the first await, then ever later, until runs complete: each point is either a clean
        // cancellation or a started container. The loaded machine decides where each delay lands; the outcome may not vary.
        var cancelled = 0;
        foreach (var delay in new[] { 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 })
        {
            using var cancellation = new CancellationTokenSource();
            var name = "cancel-" + delay;
            var run = Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Name = name, Command = ["sleep", "30"] }, delay == 0 ? new CancellationToken(true) : cancellation.Token);
            cancellation.CancelAfter(delay);
            try
            {
                var container = await run;
                await Containers.RemoveAsync(container.Id, force: true);
            }
            catch (OperationCanceledException e)
            {
                cancelled++;
                if (delay > 0 && e.InnerException is not null)
                {
                    e.Message.Should().Contain(name);
                }
            }

            await AssertNothingLeftAsync();
        }

        cancelled.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_port_conflict_with_a_host_process_leaves_no_container()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var act = () => Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Name = "port-conflict",
            Network = "bridge",
            PortBindings = [PortBinding.Parse($"{port}:80")],
            Command = ["sleep", "30"],
        });

        var error = (await act.Should().ThrowAsync<PortAlreadyAllocatedException>()).Which;
        error.Message.Should().Contain("port-conflict").And.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await AssertNothingLeftAsync();
        (await fixture.Test.Engine.Networks.ListAsync()).SelectMany(n => n.Endpoints).Should().BeEmpty("the failed run left its network");
    }

    private async Task AssertNothingLeftAsync()
    {
        (await Containers.ListAsync(all: true)).Should().BeEmpty();
        RootLeftovers.Find(fixture.Test.Root).Should().BeEmpty();
    }
}
