using Containers.Registry.Auth;
using Containers.Testing;

namespace Containers.Registry.Tests;

/// <summary>docker-registry in token mode, with a token issuer the tests run: the Bearer flows end to end.</summary>
public sealed class TokenAuthTests
{
    private static readonly RegistryCredential Alice = new("alice", "s3cret");

    private static Task<RegistryServer> StartAsync(TokenIssuer issuer, Uri? realm = null) =>
        RegistryServer.StartAsync(authSection: issuer.AuthSection(realm), prepare: issuer.WriteBundle);

    /// <summary>Pushes busybox to the given repositories as alice, with a client of its own.</summary>
    private static async Task SeedAsync(RegistryServer registry, params string[] repositories)
    {
        await using var alice = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await alice.ImportAsync("busybox:1");
        foreach (var repository in repositories)
        {
            await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/{repository}:1");
        }
    }

    [Fact]
    public async Task Anonymous_users_get_pull_tokens_and_cannot_push_or_read_private_repositories()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await StartAsync(issuer);
        await SeedAsync(registry, "public/busybox", "private/busybox");
        issuer.Requests.Clear();

        await using var anonymous = ClientEngine.Create(o => o.AuthFile = "/nonexistent/config.json");
        (await anonymous.Registry.PullAsync($"{registry.Host}/public/busybox:1")).Names.Should().ContainSingle();
        issuer.Requests.Should().OnlyContain(r => r.Method == "GET" && !r.SentSecret && r.User == null)
            .And.Contain(r => r.Scopes.Contains("repository:public/busybox:pull"));

        var privatePull = () => anonymous.Registry.PullAsync($"{registry.Host}/private/busybox:1");
        (await privatePull.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain("log in");
        await anonymous.ImportAsync("mine:1");
        var push = () => anonymous.Registry.PushAsync("mine:1", $"{registry.Host}/public/mine:1");
        await push.Should().ThrowAsync<RegistryAuthenticationException>();
        (await anonymous.Engine.Images.ListAsync()).Should().HaveCount(2, "the public image and the import; nothing of the refused pull");
    }

    [Fact]
    public async Task Pushes_ask_for_pull_and_push_pulls_for_pull_and_tokens_are_cached_per_scope()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await StartAsync(issuer);
        await using var alice = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await alice.ImportAsync("busybox:1");

        await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/team/app:1");
        issuer.Requests.Should().ContainSingle("one token serves every request of the push")
            .Which.Scopes.Should().Equal("repository:team/app:pull,push");

        await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/team/app:2");
        issuer.Requests.Should().ContainSingle("the cached token is reused for the same scope");

        await using var puller = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await puller.Registry.PullAsync($"{registry.Host}/team/app:1");
        await puller.Registry.PullAsync($"{registry.Host}/team/app:2");
        issuer.Requests.Should().HaveCount(2);
        issuer.Requests.Last().Scopes.Should().Equal("repository:team/app:pull");

        var otherRepository = () => puller.Registry.ListTagsAsync($"{registry.Host}/team/other");
        await otherRepository.Should().ThrowAsync<ManifestUnknownException>();
        issuer.Requests.Should().HaveCount(3, "another repository is another scope");
    }

    [Fact]
    public async Task An_expired_token_is_fetched_again()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await StartAsync(issuer);
        await SeedAsync(registry, "team/app");
        issuer.Requests.Clear();

        // The answers say the tokens were issued an hour ago and lived five minutes: each is stale on arrival.
        issuer.IssuedAtOffset = TimeSpan.FromHours(-1);
        await using var client = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await client.Registry.PullAsync($"{registry.Host}/team/app:1");
        var stale = issuer.Requests.Count;
        stale.Should().BeGreaterThan(2, "the manifest and every blob needed a new token");

        issuer.IssuedAtOffset = TimeSpan.Zero;
        await using var fresh = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await fresh.Registry.PullAsync($"{registry.Host}/team/app:1");
        (issuer.Requests.Count - stale).Should().Be(1);
    }

    [Fact]
    public async Task The_password_grant_brings_a_refresh_token_that_later_scopes_use()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await StartAsync(issuer);
        await using var alice = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await alice.ImportAsync("busybox:1");

        await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/one/app:1");
        await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/two/app:1");

        issuer.Requests.Select(r => (r.Method, r.Grant)).Should().Equal(("POST", "password"), ("POST", "refresh_token"));
        issuer.Requests.First().User.Should().Be("alice");
    }

    [Fact]
    public async Task An_identity_token_is_used_with_the_refresh_grant_and_a_bad_one_is_refused()
    {
        await using var issuer = new TokenIssuer();
        await using var registry = await StartAsync(issuer);
        await SeedAsync(registry, "private/busybox");
        issuer.Requests.Clear();

        await using (var client = ClientEngine.Create(o => o.Credentials[registry.Host] = new RegistryCredential(string.Empty, issuer.IssueRefreshToken("alice"))))
        {
            await client.Registry.PullAsync($"{registry.Host}/private/busybox:1");
            issuer.Requests.Should().OnlyContain(r => r.Method == "POST" && r.Grant == "refresh_token");
        }

        await using var bad = ClientEngine.Create(o => o.Credentials[registry.Host] = new RegistryCredential(string.Empty, "not-a-token"));
        var act = () => bad.Registry.PullAsync($"{registry.Host}/private/busybox:1");
        (await act.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain("identity token");
        (await bad.Engine.Images.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_service_without_the_post_form_is_asked_by_get_with_basic_credentials()
    {
        await using var issuer = new TokenIssuer { PostSupported = false };
        await using var registry = await StartAsync(issuer);
        await using var alice = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice);
        await alice.ImportAsync("busybox:1");

        await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/one/app:1");
        await alice.Registry.PushAsync("busybox:1", $"{registry.Host}/two/app:1");

        issuer.Requests.Select(r => r.Method).Should().Equal(["POST", "GET", "GET"], "after a 404 the POST form is not tried again");
        issuer.Requests.Where(r => r.Method == "GET").Should().OnlyContain(r => r.User == "alice");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_wrong_password_is_an_authentication_error(bool postSupported)
    {
        await using var issuer = new TokenIssuer { PostSupported = postSupported };
        await using var registry = await StartAsync(issuer);
        await SeedAsync(registry, "private/busybox");

        await using var client = ClientEngine.Create(o => o.Credentials[registry.Host] = new RegistryCredential("alice", "wrong"));
        var pull = () => client.Registry.PullAsync($"{registry.Host}/private/busybox:1");
        (await pull.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain("alice");
        var login = () => client.Registry.LoginAsync(registry.Host, new RegistryCredential("alice", "wrong"));
        await login.Should().ThrowAsync<RegistryAuthenticationException>();
        (await client.Engine.Images.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Credentials_are_not_sent_to_a_realm_on_another_host_unless_it_is_trusted()
    {
        await using var issuer = new TokenIssuer(alsoAsLocalhost: true);
        var foreignRealm = new Uri($"http://localhost:{issuer.Port}/token");
        await using var registry = await StartAsync(issuer, foreignRealm);

        await using (var alice = ClientEngine.Create(o => o.Credentials[registry.Host] = Alice))
        {
            await alice.ImportAsync("busybox:1");
            var push = () => alice.Registry.PushAsync("busybox:1", $"{registry.Host}/public/busybox:1");
            (await push.Should().ThrowAsync<RegistryAuthenticationException>()).Which.Message.Should().Contain("TrustedTokenRealms").And.Contain($"localhost:{issuer.Port}");
            issuer.Requests.Should().BeEmpty("nothing, least of all the password, went to the foreign realm");
        }

        await using (var trusting = ClientEngine.Create(o =>
        {
            o.Credentials[registry.Host] = Alice;
            o.TrustedTokenRealms.Add($"localhost:{issuer.Port}");
        }))
        {
            await trusting.ImportAsync("busybox:1");
            await trusting.Registry.PushAsync("busybox:1", $"{registry.Host}/public/busybox:1");
            issuer.Requests.Should().OnlyContain(r => r.HostHeader == $"localhost:{issuer.Port}");
        }

        // Anonymous access needs no trust: nothing secret is sent.
        issuer.Requests.Clear();
        await using var anonymous = ClientEngine.Create(o => o.AuthFile = "/nonexistent/config.json");
        await anonymous.Registry.PullAsync($"{registry.Host}/public/busybox:1");
        issuer.Requests.Should().NotBeEmpty().And.OnlyContain(r => !r.SentSecret);
    }
}
