using Containers.Registry.Auth;

namespace Containers.Registry.Tests;

/// <summary>The rules behind token requests: which realms may see credentials, and how scopes combine.</summary>
public sealed class AuthRulesTests
{
    [Theory]
    [InlineData("docker.io", "https://auth.docker.io/token", true)]
    [InlineData("registry-1.docker.io", "https://auth.docker.io/token", true)]
    [InlineData("docker.io", "https://auth.evil.io/token", false)]
    [InlineData("ghcr.io", "https://ghcr.io/token", true)]
    [InlineData("registry.gitlab.com", "https://gitlab.com/jwt/auth", true)]
    [InlineData("quay.io", "https://auth.quay.io/token", true)]
    [InlineData("mine.azurecr.io", "https://mine.azurecr.io/oauth2/token", true)]
    [InlineData("mine.azurecr.io", "https://evil.azurecr.io/oauth2/token", false)]
    [InlineData("registry.example.com", "https://gitlab.example.com/jwt/auth", false)]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:6000/token", true)]
    [InlineData("127.0.0.1:5000", "http://localhost:6000/token", false)]
    [InlineData("[::1]:5000", "http://[::1]:6000/token", true)]
    [InlineData("example.com:5000", "https://com/token", false)]
    public void Credentials_go_only_to_realms_the_registry_speaks_for(string registry, string realm, bool allowed) =>
        RegistryAuthenticator.MayReceiveCredentials(registry, new Uri(realm), new HashSet<string>()).Should().Be(allowed);

    [Fact]
    public void A_trusted_realm_may_receive_credentials_by_host_or_authority()
    {
        RegistryAuthenticator.MayReceiveCredentials("registry.example.com", new Uri("https://gitlab.example.com/jwt/auth"), new HashSet<string> { "gitlab.example.com" }).Should().BeTrue();
        RegistryAuthenticator.MayReceiveCredentials("registry.example.com", new Uri("https://sso.example.net:8443/t"), new HashSet<string> { "sso.example.net:8443" }).Should().BeTrue();
        RegistryAuthenticator.MayReceiveCredentials("registry.example.com", new Uri("https://sso.example.net:9443/t"), new HashSet<string> { "sso.example.net:8443" }).Should().BeFalse();
    }

    [Theory]
    [InlineData("repository:a:pull,push", "repository:a:pull", "repository:a:pull,push")]
    [InlineData("repository:a:pull,push repository:b:pull", "repository:b:pull repository:c:pull", "repository:a:pull,push|repository:b:pull|repository:c:pull")]
    [InlineData("", "registry:catalog:*", "registry:catalog:*")]
    [InlineData("repository:a:pull", null, "repository:a:pull")]
    [InlineData("repository:a:pull", "repository:a:delete", "repository:a:pull,delete")]
    public void Scopes_of_one_resource_merge_their_actions(string ours, string? challenged, string expected) =>
        TokenClient.MergeScopes(ours, challenged).Should().Equal(expected.Split('|'));
}
