using Containers.Containers;
using Containers.Containers.Security;
using Containers.Oci;
using Containers.Testing;

namespace Containers.Core.Tests.Containers;

/// <summary>The platform-neutral policy: command merging, users, limits, signals, restart rules, capabilities.</summary>
public sealed class ContainerPolicyTests
{
    private static readonly ContainerConfiguration Image = new() { Entrypoint = ["/entry"], Cmd = ["default"], Env = ["A=1", "PATH=/image/bin"] };

    [Fact]
    public void Entrypoint_and_command_merge_as_docker_does()
    {
        CommandResolver.Arguments(Image, null, null).Should().Equal("/entry", "default");
        CommandResolver.Arguments(Image, null, ["other"]).Should().Equal("/entry", "other");
        CommandResolver.Arguments(Image, ["/new"], null).Should().Equal(["/new"], "an explicit entrypoint clears the image's command");
        CommandResolver.Arguments(Image, [], ["sh"]).Should().Equal("sh");
        var nothing = () => CommandResolver.Arguments(new ContainerConfiguration(), null, null);
        nothing.Should().Throw<InvalidContainerConfigurationException>().WithMessage("*no command specified*");
    }

    [Fact]
    public void The_environment_takes_the_image_then_the_caller_and_fills_defaults()
    {
        CommandResolver.Environment(Image, ["A=2", "UNSET_IN_THE_TEST_PROCESS", "PATH"], "host1", "/root")
            .Should().Equal("PATH=" + Environment.GetEnvironmentVariable("PATH"), "HOSTNAME=host1", "A=2", "HOME=/root");
        CommandResolver.Environment(null, [], "h", "/home/app").Should().Contain("PATH=" + CommandResolver.DefaultPath);
    }

    [Fact]
    public async Task Users_resolve_from_the_containers_own_files_without_leaving_its_root()
    {
        using var root = new TempDirectory("userroot");
        Directory.CreateDirectory(root.Combine("etc"));
        File.WriteAllText(root.Combine("etc", "passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(root.Combine("etc", "group"), "root:x:0:\napp:x:1000:\nwheel:x:10:app,other\n");

        UserResolver.Resolve(root.Path, null).Should().BeEquivalentTo(new { Uid = 0u, Gid = 0u, Home = "/root" });
        UserResolver.Resolve(root.Path, "app").Should().BeEquivalentTo(new { Uid = 1000u, Gid = 1000u, AdditionalGids = new[] { 10u }, Home = "/home/app" });
        UserResolver.Resolve(root.Path, "app:wheel").Should().BeEquivalentTo(new { Uid = 1000u, Gid = 10u });
        UserResolver.Resolve(root.Path, "4242:4343").Should().BeEquivalentTo(new { Uid = 4242u, Gid = 4343u });
        UserResolver.Resolve(root.Path, "4242").Gid.Should().Be(0);
        var unknown = () => UserResolver.Resolve(root.Path, "ghost");
        unknown.Should().Throw<InvalidContainerConfigurationException>().WithMessage("unable to find user ghost*");

        // A passwd that links to the host's files is read inside the root, where the target does not exist.
        File.Delete(root.Combine("etc", "passwd"));
        File.CreateSymbolicLink(root.Combine("etc", "passwd"), "../../../../../../etc/hostname");
        var escaped = () => UserResolver.Resolve(root.Path, "root");
        escaped.Should().Throw<InvalidContainerConfigurationException>().WithMessage("unable to find user root*");

        // A link loop is an error about the image, not a crash.
        File.Delete(root.Combine("etc", "passwd"));
        File.CreateSymbolicLink(root.Combine("etc", "passwd"), "/etc/passwd");
        var loop = () => UserResolver.Resolve(root.Path, "root");
        loop.Should().Throw<InvalidContainerConfigurationException>().WithMessage("*symbolic links*");
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("64m", 64L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("512k", 512L << 10)]
    [InlineData("1024", 1024L)]
    [InlineData("1.5m", 3L << 19)]
    public void Sizes_parse_in_binary_units(string text, long bytes) => ResourceParser.ParseBytes(text, "memory").Should().Be(bytes);

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-5m")]
    [InlineData("12x")]
    public void Bad_sizes_are_refused(string text)
    {
        var act = () => ResourceParser.ParseBytes(text, "memory");
        act.Should().Throw<InvalidContainerConfigurationException>().Which.Setting.Should().Be("memory");
    }

    [Fact]
    public void Ulimits_parse_as_docker_writes_them()
    {
        ResourceParser.ParseUlimit("nofile=1024:2048").Should().Be(("RLIMIT_NOFILE", 1024UL, 2048UL));
        ResourceParser.ParseUlimit("nproc=100").Should().Be(("RLIMIT_NPROC", 100UL, 100UL));
        foreach (var bad in new[] { "nofile", "files=1", "nofile=2:1", "nofile=a" })
        {
            var act = () => ResourceParser.ParseUlimit(bad);
            act.Should().Throw<InvalidContainerConfigurationException>();
        }
    }

    [Theory]
    [InlineData("KILL", 9)]
    [InlineData("SIGTERM", 15)]
    [InlineData("usr1", 10)]
    [InlineData("2", 2)]
    public void Signals_parse_by_name_or_number(string text, int number) => Signals.Parse(text).Should().Be(number);

    [Fact]
    public void Restart_policies_decide_as_docker_does()
    {
        RestartPolicy.Parse("on-failure:2").ShouldRestart(1, 1, false).Should().BeTrue();
        RestartPolicy.Parse("on-failure:2").ShouldRestart(1, 2, false).Should().BeFalse();
        RestartPolicy.Parse("on-failure").ShouldRestart(0, 0, false).Should().BeFalse();
        RestartPolicy.Parse("always").ShouldRestart(0, 100, false).Should().BeTrue();
        RestartPolicy.Parse("unless-stopped").ShouldRestart(1, 0, stoppedByUser: true).Should().BeFalse();
        RestartPolicy.No.ShouldRestart(1, 0, false).Should().BeFalse();
        var bad = () => RestartPolicy.Parse("sometimes");
        bad.Should().Throw<InvalidContainerConfigurationException>();
    }

    [Fact]
    public void Capabilities_follow_cap_drop_then_cap_add()
    {
        Capabilities.Compute(false, [], []).Should().HaveCount(14);
        Capabilities.Compute(false, ["NET_ADMIN"], ["ALL"]).Should().Equal("CAP_NET_ADMIN");
        Capabilities.Compute(false, [], ["chown"]).Should().NotContain("CAP_CHOWN").And.HaveCount(13);
        Capabilities.Compute(true, [], []).Should().HaveCount(Capabilities.All.Count);
        Capabilities.Mask(Capabilities.DockerDefault).Should().Be(0xa80425fbUL);
    }

    [Fact]
    public void Names_follow_dockers_rule()
    {
        NameGenerator.Validate("/web-1").Should().Be("web-1");
        NameGenerator.Generate().Should().MatchRegex("^[a-z]+_[a-z]+$");
        foreach (var bad in new[] { "a", "-x", "has space", "x/y" })
        {
            var act = () => NameGenerator.Validate(bad);
            act.Should().Throw<InvalidContainerConfigurationException>();
        }
    }
}
