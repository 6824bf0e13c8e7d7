using System.Text.Json;
using Containers.Testing;

namespace Containers.Cli.Tests;

public sealed class ImageCommandTests : IDisposable
{
    private readonly TempDirectory _root = new("cli-root");
    private readonly TempDirectory _files = new("cli-files");

    public void Dispose()
    {
        _root.Dispose();
        _files.Dispose();
    }

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    private async Task<string> ImportAsync(string name)
    {
        var rootfs = _files.Combine(Guid.NewGuid().ToString("N") + ".tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync(new Dictionary<string, string> { ["etc/name"] = name }));
        var result = await Run("import", "--change", "CMD [\"/bin/sh\"]", rootfs, name);
        result.ExitCode.Should().Be(0, result.Stderr);
        return result.Stdout.Trim();
    }

    [Fact]
    public async Task Import_prints_the_id_and_images_lists_it_as_docker_does()
    {
        var id = await ImportAsync("busybox:latest");
        id.Should().MatchRegex("^sha256:[0-9a-f]{64}$");

        var table = await Run("images");
        table.ExitCode.Should().Be(0);
        var lines = table.Stdout.TrimEnd().Split('\n');
        lines[0].Should().MatchRegex(@"^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$");
        lines[1].Should().MatchRegex($@"^busybox\s+latest\s+{id[7..19]}\s+.+ago\s+[0-9.]+MB$");

        (await Run("images", "-q")).Stdout.Trim().Should().Be(id[7..19]);
        (await Run("image", "ls", "--quiet", "--no-trunc")).Stdout.Trim().Should().Be(id);
        using var json = JsonDocument.Parse((await Run("images", "--format", "json")).Stdout);
        json.RootElement[0].GetProperty("Id").GetString().Should().Be(id);
        json.RootElement[0].GetProperty("RepoTags")[0].GetString().Should().Be("busybox:latest");
        (await Run("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")).Stdout.Should().Be($"busybox:latest {id[7..19]}\n");
    }

    [Fact]
    public async Task Tag_inspect_rmi_and_prune_behave_as_docker()
    {
        var id = await ImportAsync("app:1");
        (await Run("tag", "app:1", "localhost:5000/app:2")).ExitCode.Should().Be(0);

        using (var inspect = JsonDocument.Parse((await Run("inspect", "localhost:5000/app:2")).Stdout))
        {
            inspect.RootElement[0].GetProperty("Id").GetString().Should().Be(id);
            inspect.RootElement[0].GetProperty("RepoTags").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo("app:1", "localhost:5000/app:2");
            inspect.RootElement[0].GetProperty("Config").GetProperty("Cmd")[0].GetString().Should().Be("/bin/sh");
        }

        (await Run("rmi", "app:1")).Stdout.Trim().Should().Be("Untagged: app:1");
        var removed = await Run("rmi", "localhost:5000/app:2");
        removed.Stdout.Should().Contain("Untagged: localhost:5000/app:2").And.Contain("Deleted: " + id);

        await ImportAsync("x:1");
        await ImportAsync("x:1");
        var prune = await Run("image", "prune", "-f");
        prune.Stdout.Should().StartWith("Deleted Images:").And.Contain("deleted: sha256:").And.Contain("Total reclaimed space:");
    }

    [Fact]
    public async Task Errors_go_to_stderr_as_one_line_with_docker_exit_codes()
    {
        var missing = await Run("rmi", "nothing:here");
        missing.ExitCode.Should().Be(1);
        missing.Stderr.Trim().Should().Be("Error: No such image: nothing:here");

        var badFlag = await Run("images", "--bogus");
        badFlag.ExitCode.Should().Be(125);
        badFlag.Stderr.Trim().Should().Be("containers: unknown flag: --bogus");

        (await Run("frobnicate")).ExitCode.Should().Be(125);
        (await Run("tag", "only-one")).ExitCode.Should().Be(125);

        var invalid = await Run("inspect", "UPPER");
        invalid.ExitCode.Should().Be(1);
        invalid.Stderr.Should().Contain("must be lowercase");

        var notTar = _files.Combine("not.tar");
        await File.WriteAllTextAsync(notTar, "hello");
        var badImport = await Run("import", notTar, "bad:1");
        badImport.ExitCode.Should().Be(1);
        badImport.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("Error: the root filesystem archive");
    }

    [Fact]
    public async Task Save_and_load_move_images_between_roots_in_every_format()
    {
        var id = await ImportAsync("app:1");
        using var other = new TempDirectory("cli-other");
        foreach (var format in new[] { "docker-archive", "oci-archive" })
        {
            var archive = _files.Combine(format + ".tar");
            (await Run("save", "--format", format, "-o", archive, "app:1")).ExitCode.Should().Be(0);
            var load = await CliRunner.RunAsync(other.Path, "load", "-i", archive);
            load.Stdout.Trim().Should().Be("Loaded image: app:1");
        }

        var dir = _files.Combine("layout");
        (await Run("save", "--format", "oci-dir", "-o", dir, "app:1")).ExitCode.Should().Be(0);
        (await CliRunner.RunAsync(other.Path, "load", "-i", dir)).ExitCode.Should().Be(0);
        (await CliRunner.RunAsync(other.Path, "images", "-q", "--no-trunc")).Stdout.Trim().Should().Be(id);
    }

    [Fact]
    public async Task System_df_summarises_image_space()
    {
        await ImportAsync("app:1");
        var df = await Run("system", "df");
        df.Stdout.Should().MatchRegex(@"TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE").And.MatchRegex(@"Images\s+1\s+0\s+[0-9.]+MB");
    }

    [Fact]
    public async Task Help_lists_commands_and_describes_one()
    {
        (await Run("--help")).Stdout.Should().Contain("image ls").And.Contain("(also: images");
        (await Run("rmi", "--help")).Stdout.Should().Contain("Usage:  containers image rm").And.Contain("--force");
    }
}
