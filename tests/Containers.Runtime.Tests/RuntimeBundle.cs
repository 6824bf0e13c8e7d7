using System.Formats.Tar;
using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>An OCI bundle made of the busybox test rootfs and runc's default <c>config.json</c> (from <c>runc spec</c>), adjusted per test.</summary>
internal static class RuntimeBundle
{
    public static async Task<string> CreateAsync(TempDirectory scratch, string[] args, Action<JsonObject>? edit = null, string name = "bundle")
    {
        var bundle = scratch.Combine(name);
        var rootfs = Path.Combine(bundle, "rootfs");
        Directory.CreateDirectory(rootfs);
        using (var tar = new MemoryStream(await TestImages.BusyboxRootfsAsync()))
        {
            await TarFile.ExtractToDirectoryAsync(tar, rootfs, overwriteFiles: false);
        }

        await ExternalTool.RunCheckedAsync("runc", "spec", "--bundle", bundle);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "config.json")))!.AsObject();
        var process = config["process"]!.AsObject();
        process["terminal"] = false;
        process["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        edit?.Invoke(config);
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), config.ToJsonString());
        return bundle;
    }

    /// <summary>Returns a container ID no other test run uses.</summary>
    public static string NewId(string prefix) => $"ocirt-{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Tells whether the container's cgroup still exists in the memory hierarchy (our default parent), on whichever cgroup version the host runs.</summary>
    public static bool CgroupExists(string id) => Directory.Exists(global::Containers.Testing.HostCgroups.Directory("memory", $"containers-runtime/{id}"));
}
