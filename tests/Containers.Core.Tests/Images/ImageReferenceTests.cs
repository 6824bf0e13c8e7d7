using Containers.Images;

namespace Containers.Core.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string Hex = "ab9fa9c2fa4e4d1d3b6fc5d3fa1b5c1e4e33a8e7dd2ab2e10d6c7f4c6ee5a7b1";

    public static TheoryData<string, string, string> Valid => new()
    {
        // input, full normalised form, docker's familiar form
        { "ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest" },
        { "ubuntu:22.04", "docker.io/library/ubuntu:22.04", "ubuntu:22.04" },
        { "library/ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest" },
        { "docker.io/ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest" },
        { "index.docker.io/library/ubuntu:1", "docker.io/library/ubuntu:1", "ubuntu:1" },
        { "myuser/app:1", "docker.io/myuser/app:1", "myuser/app:1" },
        { "docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest" },
        { "localhost/app", "localhost/app:latest", "localhost/app:latest" },
        { "localhost:5000/app:1.0", "localhost:5000/app:1.0", "localhost:5000/app:1.0" },
        { "localhost:5000", "docker.io/library/localhost:5000", "localhost:5000" },
        { "test:5000/repo", "test:5000/repo:latest", "test:5000/repo:latest" },
        { "test.com:5000/repo:tag", "test.com:5000/repo:tag", "test.com:5000/repo:tag" },
        { "192.168.1.1:5000/repo:5050", "192.168.1.1:5000/repo:5050", "192.168.1.1:5000/repo:5050" },
        { "[::1]:5000/repo", "[::1]:5000/repo:latest", "[::1]:5000/repo:latest" },
        { "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000/repo:latest", "[2001:db8::1]:5000/repo:latest" },
        { "[2001:db8::1]/repo", "[2001:db8::1]/repo:latest", "[2001:db8::1]/repo:latest" },
        { "gcr.io/project/nested/path/image:tag", "gcr.io/project/nested/path/image:tag", "gcr.io/project/nested/path/image:tag" },
        { "lowercase:Uppercase", "docker.io/library/lowercase:Uppercase", "lowercase:Uppercase" },
        { "Uppercase/lowercase:tag", "Uppercase/lowercase:tag", "Uppercase/lowercase:tag" },
        { "a__b/c.d-e---f_g:t_a.g-1", "docker.io/a__b/c.d-e---f_g:t_a.g-1", "a__b/c.d-e---f_g:t_a.g-1" },
        { "ubuntu@sha256:" + Hex, "docker.io/library/ubuntu@sha256:" + Hex, "ubuntu@sha256:" + Hex },
        { "ubuntu:22.04@sha256:" + Hex, "docker.io/library/ubuntu:22.04@sha256:" + Hex, "ubuntu:22.04@sha256:" + Hex },
        { "r.io/x:" + new string('t', 128), "r.io/x:" + new string('t', 128), "r.io/x:" + new string('t', 128) },
        { "sha256:abc", "docker.io/library/sha256:abc", "sha256:abc" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_normalises_as_docker_does(string input, string full, string familiar)
    {
        var reference = ImageReference.Parse(input);
        reference.ToString().Should().Be(full);
        reference.FamiliarName.Should().Be(familiar);
        ImageReference.Parse(full).Should().Be(reference, "the normalised form parses to itself");
    }

    [Fact]
    public void Parse_splits_registry_repository_tag_and_digest()
    {
        var reference = ImageReference.Parse("localhost:5000/team/app:1.2@sha256:" + Hex);
        reference.Registry.Should().Be("localhost:5000");
        reference.Repository.Should().Be("team/app");
        reference.Tag.Should().Be("1.2");
        reference.Digest.Should().Be(Digest.Parse("sha256:" + Hex));
        reference.Name.Should().Be("localhost:5000/team/app");
    }

    [Fact]
    public void Parse_accepts_a_name_of_exactly_255_characters()
    {
        ImageReference.Parse("xy.io/" + new string('a', 249)).Name.Should().HaveLength(255);
    }

    public static TheoryData<string, ReferenceError> Invalid => new()
    {
        { string.Empty, ReferenceError.Empty },
        { ":justtag", ReferenceError.InvalidFormat },
        { "@sha256:" + Hex, ReferenceError.InvalidFormat },
        { "validname@invaliddigest:" + Hex, ReferenceError.InvalidDigest },
        { "validname@sha256:" + Hex[..40], ReferenceError.InvalidDigest },
        { "validname@sha512:" + Hex, ReferenceError.InvalidDigest },
        { "Uppercase:tag", ReferenceError.UppercaseName },
        { "docker.io/UPPER/x", ReferenceError.UppercaseName },
        { "xy.io/" + new string('a', 250), ReferenceError.NameTooLong },
        { string.Join('/', Enumerable.Repeat("a", 128)), ReferenceError.NameTooLong },
        { "aa/asdf$$^/aa", ReferenceError.InvalidName },
        { "[2001:db8::1]:5000", ReferenceError.InvalidName },
        { "[2001:db8::1]:tag", ReferenceError.InvalidName },
        { "[fe80::1%eth0]:5000/repo", ReferenceError.InvalidRegistry },
        { "[fe80::1%@invalidzone]:5000/repo", ReferenceError.InvalidDigest },
        { "[2001:db8:3:4::192.0.2.33]:5000/debian", ReferenceError.InvalidRegistry },
        { "https://github.com/docker/docker", ReferenceError.InvalidRegistry },
        { "localhost:/app", ReferenceError.InvalidRegistry },
        { "reg.io:99999x/app", ReferenceError.InvalidRegistry },
        { "-reg.io/app", ReferenceError.InvalidRegistry },
        { "-docker", ReferenceError.InvalidName },
        { "docker///docker", ReferenceError.InvalidName },
        { "dock..er/docker", ReferenceError.InvalidRegistry },
        { "dock_.er", ReferenceError.InvalidName },
        { "docker-/docker", ReferenceError.InvalidName },
        { "____/____", ReferenceError.InvalidName },
        { "docker/", ReferenceError.InvalidName },
        { "a..b", ReferenceError.InvalidName },
        { "a___b", ReferenceError.InvalidName },
        { "a-_b", ReferenceError.InvalidName },
        { "white space", ReferenceError.InvalidName },
        { "local host/app", ReferenceError.InvalidName },
        { "gcr?com", ReferenceError.InvalidName },
        { "b@char/image", ReferenceError.InvalidDigest },
        { "ubuntu:c@n'tuse", ReferenceError.InvalidDigest },
        { "repo@sha256:" + new string(':', 64), ReferenceError.InvalidDigest },
        { "repo@sha256:" + string.Concat(Enumerable.Repeat("sh", 32)), ReferenceError.InvalidDigest },
        { "repo@sha256:" + Hex + "@sha256:" + Hex, ReferenceError.InvalidDigest },
        { "library/ubuntu:", ReferenceError.InvalidTag },
        { "library/nginx:@sha256:" + Hex, ReferenceError.InvalidTag },
        { "ubuntu:" + new string('t', 129), ReferenceError.InvalidTag },
        { "ubuntu:.hidden", ReferenceError.InvalidTag },
        { "ubuntu:-dash", ReferenceError.InvalidTag },
        { "ubuntu:ta g", ReferenceError.InvalidTag },
        { Hex, ReferenceError.AmbiguousIdentifier },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_rejects_malformed_references_naming_the_problem(string input, ReferenceError error)
    {
        var act = () => ImageReference.Parse(input);
        var thrown = act.Should().Throw<InvalidReferenceException>().Which;
        thrown.Error.Should().Be(error);
        thrown.Reference.Should().Be(input);
        thrown.Message.Should().StartWith("invalid reference");
        ImageReference.TryParse(input, out _).Should().BeFalse();
    }

    [Fact]
    public void Parse_rejects_the_bare_ipv6_address_the_grammar_forbids()
    {
        var act = () => ImageReference.Parse("[2001:db8::1]");
        act.Should().Throw<InvalidReferenceException>();
    }

    [Fact]
    public void Parse_is_linear_on_hostile_input()
    {
        // A backtracking regular expression takes exponential time on such input; the hand-written parser does not.
        var hostile = string.Concat(Enumerable.Repeat("a-", 100_000)) + "!";
        var act = () => ImageReference.Parse(hostile);
        act.Should().Throw<InvalidReferenceException>().Which.Error.Should().BeOneOf(ReferenceError.InvalidName, ReferenceError.NameTooLong);
    }

    [Fact]
    public void WithTag_and_WithDigest_build_related_references()
    {
        var reference = ImageReference.Parse("busybox");
        reference.WithTag("1.36").ToString().Should().Be("docker.io/library/busybox:1.36");
        reference.WithDigest(Digest.Parse("sha256:" + Hex)).WithoutDigest().Should().Be(reference);
        var act = () => reference.WithTag("bad tag");
        act.Should().Throw<InvalidReferenceException>().Which.Error.Should().Be(ReferenceError.InvalidTag);
    }
}
