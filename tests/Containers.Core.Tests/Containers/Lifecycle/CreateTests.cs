using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;
using Containers.Images;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Create: the record, names (given, generated, taken, renamed), and what a refused create leaves (nothing).</summary>
[Trait("Category", "NoRoot")]
public sealed class CreateTests : FakeEngineTest
{
    [Fact]
    public async Task Create_writes_the_record_under_its_name_and_starts_nothing()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options("serve", "--port", "80") with { Name = "web", Labels = new Dictionary<string, string> { ["team"] = "core" } });

        created.Name.Should().Be("web");
        created.State.Status.Should().Be(ContainerStatus.Created);
        File.Exists(Path.Combine(Fake.DirectoryOf(created.Id), "container.json")).Should().BeTrue();
        var inspected = await Containers.InspectAsync("web");
        inspected.Id.Should().Be(created.Id);
        inspected.Args.Should().Equal("serve", "--port", "80");
        inspected.Labels.Should().Contain("team", "core");
        inspected.Options.Network.Should().Be("none", "an engine without a network driver gives containers no network");
        inspected.State.StartedAt.Should().BeNull();
        (await Containers.InspectAsync(created.Id[..12])).Id.Should().Be(created.Id, "an ID prefix finds it too");
        Runtime.Calls.Should().BeEmpty("create only records the container, as docker create does");
        Rootfs.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_command_the_images_CMD_runs()
    {
        var created = await Containers.CreateAsync(new ContainerCreateOptions { Image = FakeEngine.Image });

        created.Args.Should().Equal("/bin/sh");
    }

    [Fact]
    public async Task Generated_names_are_distinct_and_valid_docker_names()
    {
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await Containers.CreateAsync(FakeEngine.Options())).Name);
        }

        names.Should().OnlyHaveUniqueItems();
        names.Should().AllSatisfy(n => n.Should().MatchRegex("^[a-z]+_[a-z]+[0-9]*$"));
        (await Containers.ListAsync(all: true)).Select(c => c.Name).Should().BeEquivalentTo(names);
    }

    [Fact]
    public async Task A_taken_name_is_refused_naming_its_holder_and_the_refused_create_leaves_nothing()
    {
        var first = await Containers.CreateAsync(FakeEngine.Options() with { Name = "one" });

        var act = () => Containers.CreateAsync(FakeEngine.Options() with { Name = "one" });

        (await act.Should().ThrowAsync<ContainerNameConflictException>()).Which.ExistingId.Should().Be(first.Id);
        (await Containers.ListAsync(all: true)).Select(c => c.Id).Should().Equal(first.Id);
        ContainerDirectories().Should().Equal(first.Id);
    }

    [Fact]
    public async Task Rename_moves_the_name_and_refuses_a_taken_or_invalid_one()
    {
        var first = await Containers.CreateAsync(FakeEngine.Options() with { Name = "one" });
        var second = await Containers.CreateAsync(FakeEngine.Options() with { Name = "two" });

        var taken = () => Containers.RenameAsync("one", "two");
        (await taken.Should().ThrowAsync<ContainerNameConflictException>()).Which.ExistingId.Should().Be(second.Id);
        var invalid = () => Containers.RenameAsync("one", "bad name!");
        await invalid.Should().ThrowAsync<InvalidContainerConfigurationException>();

        await Containers.RenameAsync("one", "three");

        (await Containers.InspectAsync("three")).Id.Should().Be(first.Id);
        var old = () => Containers.InspectAsync("one");
        await old.Should().ThrowAsync<ContainerNotFoundException>();
        (await Containers.CreateAsync(FakeEngine.Options() with { Name = "one" })).Id.Should().NotBe(first.Id, "the old name is free again");
    }

    [Fact]
    public async Task A_missing_image_is_refused_and_leaves_nothing()
    {
        var act = () => Containers.CreateAsync(new ContainerCreateOptions { Image = "nothing:here", Name = "ghost" });

        await act.Should().ThrowAsync<ImageNotFoundException>();
        (await Containers.ListAsync(all: true)).Should().BeEmpty();
        ContainerDirectories().Should().BeEmpty();
    }

    [Theory]
    [InlineData("cap")]
    [InlineData("ulimit")]
    [InlineData("security")]
    [InlineData("stop-signal")]
    [InlineData("name")]
    public async Task A_bad_option_fails_create_before_anything_exists(string what)
    {
        var options = what switch
        {
            "cap" => FakeEngine.Options() with { CapAdd = ["CAP_FLY"] },
            "ulimit" => FakeEngine.Options() with { Ulimits = ["nofile=abc"] },
            "security" => FakeEngine.Options() with { SecurityOptions = ["apparmor-ish"] },
            "stop-signal" => FakeEngine.Options() with { StopSignal = "SIGNOPE" },
            _ => FakeEngine.Options() with { Name = "bad name!" },
        };

        var act = () => Containers.CreateAsync(options);

        await act.Should().ThrowAsync<InvalidContainerConfigurationException>();
        ContainerDirectories().Should().BeEmpty();
        Runtime.Calls.Should().BeEmpty();
        Rootfs.Calls.Should().BeEmpty();
    }
}
