using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containers.Registry.Auth;

/// <summary>
/// Finds credentials as Docker and Podman do: explicit ones, then <c>config.json</c> (<c>credHelpers</c>, <c>credsStore</c>,
/// <c>auths</c>), then Podman's <c>auth.json</c> (<c>$REGISTRY_AUTH_FILE</c>, <c>$XDG_RUNTIME_DIR/containers/auth.json</c>,
/// <c>~/.config/containers/auth.json</c>); and stores what <c>login</c> verified.
/// </summary>
internal sealed class CredentialStore(RegistryClientOptions options)
{
    private const string DockerHubKey = "https://index.docker.io/v1/";

    public string AuthFile => options.AuthFile
        ?? Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } dir ? dir : Path.Combine(Home, ".docker"), "config.json");

    private static string Home => Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private IEnumerable<string> Files()
    {
        yield return AuthFile;
        if (Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE") is { Length: > 0 } podmanFile)
        {
            yield return podmanFile; // Podman's and skopeo's override of the auth.json below
        }

        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            yield return Path.Combine(runtime, "containers", "auth.json");
        }

        yield return Path.Combine(Home, ".config", "containers", "auth.json");
    }

    /// <summary>Returns the credentials for a registry host, or null for anonymous access.</summary>
    public async Task<RegistryCredential?> GetAsync(string host, CancellationToken cancellationToken)
    {
        if (options.Credentials.TryGetValue(host, out var explicitCredential))
        {
            return explicitCredential;
        }

        foreach (var file in Files().Where(File.Exists))
        {
            JsonObject? config;
            try
            {
                config = JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)) as JsonObject;
            }
            catch (JsonException e)
            {
                throw new RegistryAuthenticationException($"the auth file {file} is not valid JSON ({e.Message}): fix or remove it");
            }

            if (config is null)
            {
                continue;
            }

            var key = Key(host);
            string? helper;
            string? auth;
            string? identityToken;
            try
            {
                helper = config["credHelpers"]?[key]?.GetValue<string>();
                auth = config["auths"]?[key]?["auth"]?.GetValue<string>();
                identityToken = config["auths"]?[key]?["identitytoken"]?.GetValue<string>();
            }
            catch (InvalidOperationException)
            {
                throw new RegistryAuthenticationException($"the auth file {file} has an entry for {key} that is not a string: fix or remove it");
            }

            if (helper is not null)
            {
                return await FromHelperAsync(helper, key, cancellationToken).ConfigureAwait(false);
            }

            if (identityToken is { Length: > 0 })
            {
                return new RegistryCredential(string.Empty, identityToken); // a refresh token from an OAuth2 login
            }

            if (auth is { Length: > 0 })
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                }
                catch (FormatException)
                {
                    throw new RegistryAuthenticationException($"the auth file {file} has an entry for {key} that is not base64: log in again");
                }

                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
            }

            if (config["credsStore"] is JsonValue storeValue && storeValue.TryGetValue<string>(out var store) && store.Length > 0)
            {
                var stored = await FromHelperAsync(store, key, cancellationToken).ConfigureAwait(false);
                if (stored is not null)
                {
                    return stored;
                }
            }
        }

        return null;
    }

    /// <summary>Writes verified credentials into the auth file, keeping everything else in it.</summary>
    public async Task SaveAsync(string host, RegistryCredential credential, CancellationToken cancellationToken)
    {
        var config = await LoadAsync(cancellationToken).ConfigureAwait(false);
        var auths = config["auths"] as JsonObject ?? [];
        auths[Key(host)] = new JsonObject { ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)) };
        config["auths"] = auths;
        await WriteAsync(config, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a host's credentials from the auth file; returns false when there were none.</summary>
    public async Task<bool> RemoveAsync(string host, CancellationToken cancellationToken)
    {
        var config = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (config["auths"] is not JsonObject auths || !auths.Remove(Key(host)))
        {
            return false;
        }

        await WriteAsync(config, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<JsonObject> LoadAsync(CancellationToken cancellationToken) =>
        File.Exists(AuthFile) ? JsonNode.Parse(await File.ReadAllTextAsync(AuthFile, cancellationToken).ConfigureAwait(false)) as JsonObject ?? [] : [];

    private async Task WriteAsync(JsonObject config, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(AuthFile)!);
        var temp = AuthFile + ".tmp";
        await File.WriteAllTextAsync(temp, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite); // credentials: owner only
        }

        File.Move(temp, AuthFile, overwrite: true);
    }

    private static string Key(string host) => host is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? DockerHubKey : host;

    /// <summary>Asks a <c>docker-credential-NAME</c> program, as Docker does: the server on stdin, JSON on stdout.</summary>
    private static async Task<RegistryCredential?> FromHelperAsync(string helper, string server, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("docker-credential-" + helper, "get") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start)!;
            await process.StandardInput.WriteAsync(server).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                return null; // "credentials not found in native keychain"
            }

            var json = JsonNode.Parse(output);
            return json?["Secret"]?.GetValue<string>() is { } secret ? new RegistryCredential(json["Username"]?.GetValue<string>() ?? string.Empty, secret) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new RegistryAuthenticationException($"the credential helper docker-credential-{helper} named in the auth file is not installed");
        }
    }
}
