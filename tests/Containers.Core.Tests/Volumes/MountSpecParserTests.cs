using Containers.Volumes;

namespace Containers.Core.Tests.Volumes;

/// <summary>Docker's -v, --mount and --tmpfs flags, and volume names: what is accepted and what is refused with a typed error.</summary>
public sealed class MountSpecParserTests
{
    [Theory]
    [InlineData("relative/path")]
    [InlineData("/host:relative")]
    [InlineData("a:b:c:d")]
    [InlineData("/host:/data:bogus")]
    [InlineData("name:/data:shared")]
    [InlineData("/host:/data:ro,rw")]
    [InlineData(":/data")]
    [InlineData("/host:/")]
    public void Malformed_volume_flags_are_refused(string spec) =>
        FluentActions.Invoking(() => MountSpecParser.ParseVolume(spec)).Should().Throw<InvalidMountSpecException>().Which.Spec.Should().Be(spec);

    [Theory]
    [InlineData("type=bind,target=/x")]
    [InlineData("type=nfs,target=/x")]
    [InlineData("source=vol")]
    [InlineData("type=tmpfs,source=x,target=/x")]
    [InlineData("type=volume,target=/x,bind-propagation=shared")]
    [InlineData("type=bind,source=/h,target=/x,bind-propagation=everything")]
    [InlineData("type=bind,source=/h,target=/x,tmpfs-size=1m")]
    [InlineData("type=tmpfs,target=/x,tmpfs-mode=999")]
    [InlineData("type=tmpfs,target=/x,tmpfs-size=lots")]
    [InlineData("target=/x,colour=blue")]
    [InlineData("type=bind,source=relative,target=/x")]
    public void Malformed_mount_flags_are_refused(string spec) =>
        FluentActions.Invoking(() => MountSpecParser.ParseMount(spec)).Should().Throw<InvalidMountSpecException>();

    [Theory]
    [InlineData("scratch")]
    [InlineData("/scratch:size=-1")]
    [InlineData("/scratch:mode=abc")]
    [InlineData("/scratch:uid=0")]
    public void Malformed_tmpfs_flags_are_refused(string spec) =>
        FluentActions.Invoking(() => MountSpecParser.ParseTmpfs(spec)).Should().Throw<InvalidMountSpecException>();

    [Fact]
    public void Parsed_flags_describe_the_mount()
    {
        MountSpecParser.ParseVolume("/cache").Should().BeEquivalentTo(new ContainerMount { Type = MountType.Volume, Target = "/cache" });
        MountSpecParser.ParseVolume("/cache:ro").Should().BeEquivalentTo(new ContainerMount { Type = MountType.Volume, Target = "/cache", ReadOnly = true });
        MountSpecParser.ParseVolume("data:/var/lib/x/:ro,nocopy").Should().BeEquivalentTo(new ContainerMount { Type = MountType.Volume, Source = "data", Target = "/var/lib/x", ReadOnly = true, NoCopy = true });
        MountSpecParser.ParseVolume("/srv//a/../b:/b:rshared,z").Should().BeEquivalentTo(new ContainerMount { Type = MountType.Bind, Source = "/srv/b", Target = "/b", BindPropagation = "rshared", CreateHostPath = true });
        MountSpecParser.ParseMount("type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=700,ro").Should().BeEquivalentTo(new ContainerMount { Type = MountType.Tmpfs, Target = "/t", TmpfsSize = 64 << 20, TmpfsMode = 448, ReadOnly = true });
        MountSpecParser.ParseMount("src=v1,target=/v,readonly=false,volume-nocopy").Should().BeEquivalentTo(new ContainerMount { Type = MountType.Volume, Source = "v1", Target = "/v", NoCopy = true });
    }

    [Theory]
    [InlineData("ab", true)]
    [InlineData("my_vol.1-x", true)]
    [InlineData("a", false)]
    [InlineData("_x", false)]
    [InlineData("x/y", false)]
    [InlineData("x:y", false)]
    public void Volume_names_follow_dockers_rule(string name, bool valid)
    {
        VolumeNames.IsValid(name).Should().Be(valid);
        if (!valid)
        {
            FluentActions.Invoking(() => VolumeNames.Validate(name)).Should().Throw<InvalidVolumeNameException>().Which.Name.Should().Be(name);
        }
    }
}
