using Containers.Registry.Auth;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>Registries that want credentials (htpasswd Basic auth) or TLS with a private authority.</summary>
public sealed class AuthTests
{
    private static Task<RegistryServer> StartBasicAsync() => RegistryServer.StartAsync(
        authSection: "auth:\n  htpasswd:\n    realm: test-realm\n    path: {dir}/htpasswd",
        prepare: dir => File.WriteAllText(dir.Combine("htpasswd"), ExternalTool.RunCheckedAsync("htpasswd", "-Bbn", "alice", "s3cret").GetAwaiter().GetResult()));

    [Fact]
    public async Task Basic_auth_needs_credentials_which_login_stores_and_logout_removes()
    {
        await using var registry = await StartBasicAsync();
        using var home = new TempDirectory("auth-home");
        var authFile = home.Combine("config.json");
        var reference = $"{registry.Host}/private/busybox:1";

        await using (var anonymous = ClientEngine.Create(o => o.AuthFile = authFile))
        {
            await anonymous.ImportAsync("busybox:1");
            var refused = () => anonymous.Registry.PushAsync("busybox:1", reference);
            (await refused.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain("log in");

            var wrong = () => anonymous.Registry.LoginAsync(registry.Host, new RegistryCredential("alice", "wrong"));
            await wrong.Should().ThrowAsync<RegistryAuthenticationException>();
            File.Exists(authFile).Should().BeFalse("refused credentials are not stored");

            await anonymous.Registry.LoginAsync(registry.Host, new RegistryCredential("alice", "s3cret"));
            File.ReadAllText(authFile).Should().Contain(registry.Host).And.Contain(Convert.ToBase64String("alice:s3cret"u8.ToArray()));
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(authFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await anonymous.Registry.PushAsync("busybox:1", reference);
        }

        await using (var fromFile = ClientEngine.Create(o => o.AuthFile = authFile))
        {
            (await fromFile.Registry.PullAsync(reference)).Names.Should().ContainSingle();
            (await fromFile.Registry.LogoutAsync(registry.Host)).Should().BeTrue();
        }

        await using (var loggedOut = ClientEngine.Create(o => o.AuthFile = authFile))
        {
            var act = () => loggedOut.Registry.PullAsync(reference);
            await act.Should().ThrowAsync<RegistryAuthenticationException>();
            (await loggedOut.Registry.LogoutAsync(registry.Host)).Should().BeFalse();
        }
    }

    [Fact]
    public async Task Explicit_credentials_take_precedence_over_files()
    {
        await using var registry = await StartBasicAsync();
        await using var client = ClientEngine.Create(o => o.Credentials[registry.Host] = new RegistryCredential("alice", "s3cret"));
        await client.ImportAsync("busybox:1");
        await client.Registry.PushAsync("busybox:1", $"{registry.Host}/explicit/busybox:1");
        (await client.Registry.ListTagsAsync($"{registry.Host}/explicit/busybox")).Should().Equal("1");
    }

    [Fact]
    public async Task Tls_with_a_private_authority_works_when_the_authority_is_trusted_and_only_then()
    {
        using var certificates = new TestCertificates();
        await using var registry = await RegistryServer.StartAsync(
            tlsSection: "tls:\n  certificate: {dir}/server.crt\n  key: {dir}/server.key",
            prepare: dir => certificates.WritePem(dir.Path));
        var reference = $"{registry.Host}/tls/busybox:1";

        await using (var trusting = ClientEngine.Create(o => o.CaCertificates.Add(certificates.Authority)))
        {
            var image = await trusting.ImportAsync("busybox:1");
            (await trusting.Registry.PushAsync("busybox:1", reference)).Should().Be(image.ManifestDescriptor.Digest);
            (await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", "docker://" + reference)).Should().Contain(image.ManifestDescriptor.Digest.ToString());
        }

        // Without the authority the certificate is not trusted, and no certificate is ever accepted unverified:
        // the client falls back to plain HTTP for this loopback host, which a TLS server refuses.
        await using var untrusting = ClientEngine.Create(o => o.MaxRetries = 0);
        var act = () => untrusting.Registry.PullAsync(reference);
        await act.Should().ThrowAsync<RegistryException>();
        (await untrusting.Engine.Images.ListAsync()).Should().BeEmpty();
    }
}

/// <summary>Where credentials may go: the registry's own address, never an upload Location on another host.</summary>
public sealed class CredentialBoundaryTests
{
    [Fact]
    public async Task An_upload_location_on_another_host_gets_no_credentials()
    {
        await using var registry = await RegistryServer.StartAsync(
            authSection: "auth:\n  htpasswd:\n    realm: test-realm\n    path: {dir}/htpasswd",
            prepare: dir => File.WriteAllText(dir.Combine("htpasswd"), ExternalTool.RunCheckedAsync("htpasswd", "-Bbn", "alice", "s3cret").GetAwaiter().GetResult()));
        await using var foreign = new FaultProxy(registry.BaseUri, alsoAsLocalhost: true);
        await using var front = new FaultProxy(registry.BaseUri) { LocationAuthority = $"localhost:{foreign.Port}" };
        await using var client = ClientEngine.Create(o => o.Credentials[front.Host] = new RegistryCredential("alice", "s3cret"));
        await client.ImportAsync("busybox:1");

        var push = () => client.Registry.PushAsync("busybox:1", $"{front.Host}/app/busybox:1");
        await push.Should().ThrowAsync<RegistryAuthenticationException>();

        front.AuthorizedRequests.Should().BePositive("the registry's own address gets the credentials");
        foreign.Log.Should().NotBeEmpty("the upload went on at the Location");
        foreign.AuthorizedRequests.Should().Be(0, "the Location is on another host");
    }
}
