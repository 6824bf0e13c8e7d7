using Containers.Containers;
using Containers.Hosting;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Running an image the store lacks pulls it, as <c>--pull</c> says, against a loopback docker-registry: one root pushes,
/// another (empty) root runs.
/// </summary>
public sealed class PullOnFirstUseTests : IAsyncLifetime
{
    private readonly TempDirectory _pusher = new("cli-pull-pusher");
    private readonly TempDirectory _runner = new("cli-pull-runner");
    private RegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync();
        await ImportAsync("busybox:latest", null);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await CliRunner.DeleteRootAsync(_pusher);
        await CliRunner.DeleteRootAsync(_runner);
    }

    /// <summary>Imports a busybox image into the pushing root, with /version holding <paramref name="version"/>.</summary>
    private async Task ImportAsync(string name, string? version)
    {
        var rootfs = _pusher.Combine($"rootfs-{Guid.NewGuid():N}.tar");
        var files = version is null ? null : new Dictionary<string, string> { ["version"] = version };
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync(files));
        var import = await CliRunner.RunAsync(_pusher.Path, "import", rootfs, name);
        import.ExitCode.Should().Be(0, import.Stderr);
    }

    private async Task PushAsync(string image, string reference)
    {
        var push = await CliRunner.RunAsync(_pusher.Path, "push", image, reference);
        push.ExitCode.Should().Be(0, push.Stderr);
    }

    [Fact]
    public async Task Running_an_image_the_store_lacks_pulls_it_and_the_next_run_uses_the_stored_one()
    {
        var reference = $"{_registry.Host}/first/busybox:1";
        await PushAsync("busybox", reference);
        (await CliRunner.RunAsync(_runner.Path, "images", "-q")).Stdout.Should().BeEmpty("the running root starts empty");

        var run = await CliRunner.RunAsync(_runner.Path, "run", "--rm", reference, "echo", "pulled on first use");
        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Be("pulled on first use\n");
        (await CliRunner.RunAsync(_runner.Path, "images")).Stdout.Should().Contain($"{_registry.Host}/first/busybox");

        // The registry goes away: a second run needs nothing from it.
        await _registry.DisposeAsync();
        _registry = await RegistryServer.StartAsync();
        var again = await CliRunner.RunAsync(_runner.Path, "run", "--rm", reference, "echo", "from the store");
        again.Stdout.Should().Be("from the store\n", again.Stderr);
    }

    [Fact]
    public async Task A_build_whose_base_image_the_store_lacks_pulls_it_through_the_same_source()
    {
        var reference = $"{_registry.Host}/base/busybox:1";
        await PushAsync("busybox", reference);
        var context = _runner.Combine("context");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {reference}\nRUN echo built > /built\n");

        var build = await CliRunner.RunAsync(_runner.Path, "build", "-t", "derived:1", context);
        build.ExitCode.Should().Be(0, build.Stderr);
        var run = await CliRunner.RunAsync(_runner.Path, "run", "--rm", "derived:1", "cat", "/built");
        run.Stdout.Should().Be("built\n", run.Stderr);
        (await CliRunner.RunAsync(_runner.Path, "images")).Stdout.Should().Contain($"{_registry.Host}/base/busybox");
    }

    [Fact]
    public async Task Pull_always_follows_a_moved_tag_and_missing_keeps_the_stored_image()
    {
        var reference = $"{_registry.Host}/moving/busybox:latest";
        await ImportAsync("moving:1", "one");
        await PushAsync("moving:1", reference);
        (await CliRunner.RunAsync(_runner.Path, "run", "--rm", reference, "cat", "/version")).Stdout.Should().Be("one");

        await ImportAsync("moving:2", "two");
        await PushAsync("moving:2", reference);

        var missing = await CliRunner.RunAsync(_runner.Path, "run", "--rm", "--pull", "missing", reference, "cat", "/version");
        missing.Stdout.Should().Be("one", "missing does not pull an image the store holds");
        var always = await CliRunner.RunAsync(_runner.Path, "run", "--rm", "--pull", "always", reference, "cat", "/version");
        always.ExitCode.Should().Be(0, always.Stderr);
        always.Stdout.Should().Be("two", "always pulls the tag again");
        (await CliRunner.RunAsync(_runner.Path, "run", "--rm", reference, "cat", "/version")).Stdout.Should().Be("two", "the tag now names the pulled image");
    }

    [Fact]
    public async Task Pull_never_fails_clearly_and_creates_nothing()
    {
        var reference = $"{_registry.Host}/never/busybox:1";
        await PushAsync("busybox", reference);

        var run = await CliRunner.RunAsync(_runner.Path, "run", "--rm", "--pull", "never", reference, "true");
        run.ExitCode.Should().Be(125);
        run.Stderr.Should().Contain($"No such image: {reference}").And.Contain("pull policy is Never");
        (await CliRunner.RunAsync(_runner.Path, "images", "-q")).Stdout.Should().BeEmpty();
        (await CliRunner.RunAsync(_runner.Path, "ps", "-a", "-q")).Stdout.Should().BeEmpty();

        var bad = await CliRunner.RunAsync(_runner.Path, "create", "--pull", "sometimes", reference);
        bad.ExitCode.Should().Be(125);
        bad.Stderr.Should().Contain("invalid pull policy");
    }

    [Fact]
    public async Task Without_a_registry_client_a_missing_image_says_how_to_get_one()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _runner.Path }, b => b.AddLinuxRuntime());
        var create = () => engine.Containers.CreateAsync(new ContainerCreateOptions { Image = $"{_registry.Host}/none/busybox:1" });
        (await create.Should().ThrowAsync<ImageNotFoundException>()).Which.Message.Should().Contain("AddRegistryClient");

        var always = () => engine.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", PullPolicy = PullPolicy.Always });
        (await always.Should().ThrowAsync<InvalidContainerConfigurationException>()).Which.Message.Should().Contain("AddRegistryClient");
    }

    [Fact]
    public async Task A_pull_on_first_use_that_fails_is_still_a_missing_image_with_the_registrys_reason()
    {
        var run = await CliRunner.RunAsync(_runner.Path, "run", "--rm", $"{_registry.Host}/nope/nothing:1", "true");
        run.ExitCode.Should().Be(125);
        run.Stderr.Should().Contain("No such image").And.Contain("pulling it failed").And.Contain("manifest unknown");
    }
}
