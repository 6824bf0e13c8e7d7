using Containers.Registry.Auth;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>
/// Credentials from where Docker and Podman keep them: <c>docker-credential-*</c> helpers named by <c>credHelpers</c> and
/// <c>credsStore</c> (a test helper script on PATH), and Podman's <c>auth.json</c> written by <c>podman login</c>.
/// </summary>
/// <remarks>
/// These tests change PATH and REGISTRY_AUTH_FILE for the test process, serialised by a lock; the entries they make
/// name only their own registries' ports and helper names, so other tests running meanwhile are unaffected.
/// </remarks>
public sealed class CredentialSourceTests
{
    private static readonly SemaphoreSlim EnvironmentLock = new(1, 1);

    private static Task<RegistryServer> StartBasicAsync() => RegistryServer.StartAsync(
        authSection: "auth:\n  htpasswd:\n    realm: test-realm\n    path: {dir}/htpasswd",
        prepare: dir => File.WriteAllText(dir.Combine("htpasswd"), ExternalTool.RunCheckedAsync("htpasswd", "-Bbn", "alice", "s3cret").GetAwaiter().GetResult()));

    /// <summary>Writes <c>docker-credential-NAME</c>: logs each server asked for, and answers for <paramref name="host"/> only.</summary>
    private static string WriteHelper(TempDirectory directory, string name, string host, string username, string secret)
    {
        var script = directory.Combine("docker-credential-" + name);
        File.WriteAllText(script, $$"""
            #!/bin/sh
            [ "$1" = get ] || exit 3
            read -r server
            echo "$server" >> {{directory.Combine(name + ".log")}}
            if [ "$server" = "{{host}}" ]; then
              printf '{"ServerURL":"%s","Username":"{{username}}","Secret":"{{secret}}"}\n' "$server"
            else
              echo "credentials not found in native keychain"
              exit 1
            fi
            """.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return directory.Combine(name + ".log");
    }

    private static async Task<T> WithEnvironmentAsync<T>(string name, string value, Func<Task<T>> action)
    {
        await EnvironmentLock.WaitAsync();
        var before = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        try
        {
            return await action();
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, before);
            EnvironmentLock.Release();
        }
    }

    private static Task<T> WithHelpersOnPathAsync<T>(TempDirectory directory, Func<Task<T>> action) =>
        WithEnvironmentAsync("PATH", directory.Path + ":" + Environment.GetEnvironmentVariable("PATH"), action);

    [Fact]
    public async Task A_cred_helper_named_for_the_host_supplies_the_credentials()
    {
        await using var registry = await StartBasicAsync();
        using var home = new TempDirectory("cred-helper");
        var name = "ctest" + Guid.NewGuid().ToString("N")[..8];
        var log = WriteHelper(home, name, registry.Host, "alice", "s3cret");
        File.WriteAllText(home.Combine("config.json"), $"{{\"credHelpers\":{{\"{registry.Host}\":\"{name}\"}}}}");

        var digest = await WithHelpersOnPathAsync(home, async () =>
        {
            await using var client = ClientEngine.Create(o => o.AuthFile = home.Combine("config.json"));
            await client.ImportAsync("busybox:1");
            return await client.Registry.PushAsync("busybox:1", $"{registry.Host}/helped/busybox:1");
        });

        (await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", "--creds", "alice:s3cret", $"docker://{registry.Host}/helped/busybox:1")).Should().Contain(digest.ToString());
        File.ReadAllLines(log).Should().OnlyContain(l => l == registry.Host);
    }

    [Fact]
    public async Task A_creds_store_is_asked_for_every_host_and_an_identity_token_from_it_takes_the_refresh_grant()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await RegistryServer.StartAsync(authSection: issuer.AuthSection(), prepare: issuer.WriteBundle);
        using var home = new TempDirectory("creds-store");
        var name = "ctest" + Guid.NewGuid().ToString("N")[..8];
        var log = WriteHelper(home, name, registry.Host, "<token>", issuer.IssueRefreshToken("alice"));
        File.WriteAllText(home.Combine("config.json"), $"{{\"credsStore\":\"{name}\",\"auths\":{{\"{registry.Host}\":{{}}}}}}");

        await WithHelpersOnPathAsync(home, async () =>
        {
            await using var client = ClientEngine.Create(o => o.AuthFile = home.Combine("config.json"));
            await client.ImportAsync("busybox:1");
            return await client.Registry.PushAsync("busybox:1", $"{registry.Host}/private/busybox:1");
        });

        File.ReadAllLines(log).Should().Contain(registry.Host);
        issuer.Requests.Should().NotBeEmpty().And.OnlyContain(r => r.Method == "POST" && r.Grant == "refresh_token");
    }

    [Fact]
    public async Task A_helper_without_credentials_for_the_host_leaves_the_request_anonymous_and_a_missing_helper_is_named()
    {
        await using var registry = await StartBasicAsync();
        using var home = new TempDirectory("cred-missing");
        var name = "ctest" + Guid.NewGuid().ToString("N")[..8];
        WriteHelper(home, name, "elsewhere.example:5000", "alice", "s3cret");
        File.WriteAllText(home.Combine("config.json"), $$"""{"credsStore":"{{name}}"}""");
        File.WriteAllText(home.Combine("missing.json"), $"{{\"credHelpers\":{{\"{registry.Host}\":\"{name}-absent\"}}}}");

        await WithHelpersOnPathAsync(home, async () =>
        {
            await using var client = ClientEngine.Create(o => o.AuthFile = home.Combine("config.json"));
            var act = () => client.Registry.PullAsync($"{registry.Host}/any/busybox:1");
            (await act.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain("log in");

            await using var missing = ClientEngine.Create(o => o.AuthFile = home.Combine("missing.json"));
            var absent = () => missing.Registry.PullAsync($"{registry.Host}/any/busybox:1");
            (await absent.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain($"docker-credential-{name}-absent");
            return true;
        });
    }

    [Fact]
    public async Task Podmans_auth_file_from_podman_login_is_read()
    {
        await using var registry = await StartBasicAsync();
        using var home = new TempDirectory("podman-auth");
        var authJson = home.Combine("auth.json");
        await ExternalTool.RunCheckedAsync("podman", "login", "--authfile", authJson, "--tls-verify=false", "-u", "alice", "-p", "s3cret", registry.Host);
        File.ReadAllText(authJson).Should().Contain(registry.Host);

        await WithEnvironmentAsync("REGISTRY_AUTH_FILE", authJson, async () =>
        {
            await using var client = ClientEngine.Create(o => o.AuthFile = home.Combine("no-docker-config.json"));
            await client.ImportAsync("busybox:1");
            return await client.Registry.PushAsync("busybox:1", $"{registry.Host}/podman/busybox:1");
        });
        (await ExternalTool.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", "--authfile", authJson, $"docker://{registry.Host}/podman/busybox:1")).Should().Contain("sha256:");
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"auths":{"HOST":{"auth":"%%%not-base64"}}}""")]
    [InlineData("""{"auths":{"HOST":{"auth":42}}}""")]
    public async Task A_broken_auth_file_is_a_clear_error(string content)
    {
        await using var registry = await StartBasicAsync();
        using var home = new TempDirectory("auth-broken");
        File.WriteAllText(home.Combine("config.json"), content.Replace("HOST", registry.Host, StringComparison.Ordinal));
        await using var client = ClientEngine.Create(o => o.AuthFile = home.Combine("config.json"));
        var act = () => client.Registry.PullAsync($"{registry.Host}/any/busybox:1");
        (await act.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain(home.Combine("config.json"));
    }
}
