using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Containers.Registry.Tests;

/// <summary>
/// The referrers API (distribution-spec 1.1) that Debian's docker-registry 2.8 lacks, emulated in <see cref="FaultProxy"/>:
/// manifests put through the proxy with a <c>subject</c> are recorded and acknowledged with <c>OCI-Subject</c>, and
/// <c>GET /v2/NAME/referrers/DIGEST[?artifactType=]</c> answers an index of them.
/// </summary>
internal sealed class ReferrersEmulation
{
    private readonly ConcurrentDictionary<(string Repository, string Subject), ConcurrentQueue<JsonObject>> _referrers = new();

    public int Queries { get; private set; }

    /// <summary>Records a manifest with a subject; returns the subject's digest for the <c>OCI-Subject</c> header, else null.</summary>
    public string? Record(string path, byte[] manifest, string? mediaType)
    {
        // path: /v2/NAME/manifests/REF
        var at = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        if (JsonNode.Parse(manifest) is not JsonObject json || json["subject"]?["digest"]?.GetValue<string>() is not { } subject || at < 0)
        {
            return null;
        }

        var descriptor = new JsonObject
        {
            ["mediaType"] = mediaType ?? json["mediaType"]?.GetValue<string>(),
            ["digest"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)),
            ["size"] = manifest.Length,
        };
        var artifactType = json["artifactType"]?.GetValue<string>() ?? json["config"]?["mediaType"]?.GetValue<string>();
        if (artifactType is not null)
        {
            descriptor["artifactType"] = artifactType;
        }

        if (json["annotations"] is JsonObject annotations)
        {
            descriptor["annotations"] = annotations.DeepClone();
        }

        _referrers.GetOrAdd((path[4..at], subject), _ => new()).Enqueue(descriptor);
        return subject;
    }

    /// <summary>Answers a referrers query; false for any other request.</summary>
    public async Task<bool> TryAnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var at = path.LastIndexOf("/referrers/", StringComparison.Ordinal);
        if (context.Request.HttpMethod != "GET" || at < 0)
        {
            return false;
        }

        Queries++;
        var artifactType = System.Web.HttpUtility.ParseQueryString(context.Request.Url.Query)["artifactType"];
        var found = _referrers.TryGetValue((path[4..at], path[(at + 11)..]), out var list) ? list.ToList() : [];
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray([.. found.Where(d => artifactType is null || d["artifactType"]?.GetValue<string>() == artifactType).Select(d => (JsonNode)d.DeepClone())]),
        };
        if (artifactType is not null)
        {
            context.Response.AddHeader("OCI-Filters-Applied", "artifactType");
        }

        var bytes = Encoding.UTF8.GetBytes(index.ToJsonString());
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.oci.image.index.v1+json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
        return true;
    }
}
