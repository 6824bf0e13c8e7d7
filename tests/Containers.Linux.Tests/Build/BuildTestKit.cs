using System.Text.Json;
using Containers.Build;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests.Build;

/// <summary>
/// An engine with busybox imported, a scratch build context, and the means to build the same context with
/// <c>buildah bud</c> from the same busybox, then unpack both images with umoci to compare them file by file.
/// </summary>
public sealed class BuildTestKit : IAsyncDisposable
{
    private readonly TempDirectory _scratch = new("containers-build");

    private BuildTestKit(TestEngine test) => Test = test;

    public TestEngine Test { get; }

    public string Context => _scratch.Combine("context");

    public List<BuildProgress> Progress { get; } = [];

    /// <summary>Creates a kit whose engine stores layers with <paramref name="storageDriver"/> (overlay, or the vfs fallback).</summary>
    public static async Task<BuildTestKit> CreateAsync(string storageDriver = "overlay")
    {
        var kit = new BuildTestKit(TestEngine.Create(b => b.AddLinuxRuntime(o => o.StorageDriver = storageDriver)));
        Directory.CreateDirectory(kit.Context);
        await kit.Test.ImportBusyboxAsync("busybox:latest");
        return kit;
    }

    /// <summary>Writes a context file; a mode is applied when given.</summary>
    public void Write(string path, string content, UnixFileMode? mode = null)
    {
        var full = Path.Combine(Context, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        if (mode is { } m)
        {
            File.SetUnixFileMode(full, m);
        }
    }

    public async Task<ImageDetails> BuildAsync(BuildOptions? options = null)
    {
        Progress.Clear();
        var progress = new SynchronousProgress<BuildProgress>(Progress);
        return await Test.Engine.Images.BuildAsync(Context, (options ?? new BuildOptions()) with { Network = options?.Network ?? "none" }, progress);
    }

    /// <summary>Builds with buildah from the same busybox and returns the OCI layout directory holding the result as <c>built</c>.</summary>
    public async Task<string> BuildWithBuildahAsync(params string[] extraArgs)
    {
        var layout = _scratch.Combine("busybox-layout");
        if (!Directory.Exists(layout))
        {
            await Test.Engine.Images.SaveLayoutAsync(["busybox:latest"], layout);
            var id = (await BuildahAsync(["pull", "--quiet", $"oci:{layout}:docker.io/library/busybox:latest"])).Trim();
            await Buildah("tag", id, "docker.io/library/busybox:latest");
        }

        await Buildah(["bud", "--pull-never", "--isolation", "chroot", "--layers=false", "-t", "localhost/built:latest", .. extraArgs, Context]);
        var output = _scratch.Combine("buildah-out-" + Guid.NewGuid().ToString("N")[..8]);
        await Buildah("push", "--quiet", "localhost/built:latest", $"oci:{output}:built");
        return output;
    }

    /// <summary>Reads the Docker-format configuration of buildah's last build (its OCI export drops Docker-only fields such as Healthcheck).</summary>
    public async Task<JsonElement> BuildahConfigAsync() => (await BuildahImageAsync()).GetProperty("config");

    /// <summary>Reads the whole Docker-format image configuration of buildah's last build (author, config, history).</summary>
    public async Task<JsonElement> BuildahImageAsync() =>
        JsonDocument.Parse(await BuildahAsync(["inspect", "--type", "image", "localhost/built:latest"])).RootElement.GetProperty("Docker");

    /// <summary>Saves our image to an OCI layout as <c>built</c>.</summary>
    public async Task<string> SaveOursAsync(ImageDetails image)
    {
        var output = _scratch.Combine("ours-" + Guid.NewGuid().ToString("N")[..8]);
        await Test.Engine.Images.TagAsync(image.Id.ToString(), "localhost/ours-export:built");
        await Test.Engine.Images.SaveLayoutAsync(["localhost/ours-export:built"], output);
        await Test.Engine.Images.RemoveAsync("localhost/ours-export:built");
        var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            var name = entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString();
            if (name != "built")
            {
                // umoci finds images by the short tag in ref.name
                File.WriteAllText(Path.Combine(output, "index.json"), index.RootElement.GetRawText().Replace(name!, "built", StringComparison.Ordinal));
            }
        }

        return output;
    }

    /// <summary>Unpacks an OCI layout's <c>built</c> image with umoci and describes every file: type, mode, owner, content or link.</summary>
    public async Task<SortedDictionary<string, string>> FilesAsync(string layout)
    {
        var bundle = layout + "-bundle";
        var result = await ExternalTool.RunAsync("umoci", ["unpack", "--image", layout + ":built", bundle]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var root = Path.Combine(bundle, "rootfs");
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var stat = await ExternalTool.RunAsync("find", [root, "-mindepth", "1", "-printf", "%P\t%y\t%m\t%U:%G\t%l\n"]);
        foreach (var line in stat.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            var content = parts[1] == "f" ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(root, parts[0]))))[..16] : parts[4];
            files[parts[0]] = $"{parts[1]} {parts[2]} {parts[3]} {content}";
        }

        return files;
    }

    /// <summary>
    /// Compares two file listings; buildah's chroot isolation leaves the empty mount points of hosts, hostname,
    /// resolv.conf and /run in its RUN layers, which are not part of what the Dockerfile makes, so those are ignored.
    /// </summary>
    public static void AssertSameFiles(SortedDictionary<string, string> buildah, SortedDictionary<string, string> ours)
    {
        string[] artifacts = ["etc/hosts", "etc/hostname", "etc/resolv.conf", "run"];
        var missing = buildah.Where(kv => !(artifacts.Contains(kv.Key) && !ours.ContainsKey(kv.Key)))
            .Where(kv => !ours.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => "buildah: " + kv.Key + " " + kv.Value);
        var extra = ours.Where(kv => !buildah.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => "ours:    " + kv.Key + " " + kv.Value);
        var diff = string.Join("\n", missing.Concat(extra).Order(StringComparer.Ordinal));
        Assert.True(diff.Length == 0, "the images differ:\n" + diff);
    }

    /// <summary>Reads the image configuration's <c>config</c> object of an OCI layout's <c>built</c> image.</summary>
    public static JsonElement Config(string layout) => Image(layout).GetProperty("config");

    /// <summary>Reads the whole image configuration of an OCI layout's <c>built</c> image.</summary>
    public static JsonElement Image(string layout)
    {
        static JsonElement Blob(string layout, string digest) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]))).RootElement;
        var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json"))).RootElement;
        var manifest = Blob(layout, index.GetProperty("manifests")[0].GetProperty("digest").GetString()!);
        return Blob(layout, manifest.GetProperty("config").GetProperty("digest").GetString()!);
    }

    private Task Buildah(params string[] args) => BuildahAsync(args);

    private async Task<string> BuildahAsync(string[] args)
    {
        var result = await ExternalTool.RunAsync("buildah", ["--root", _scratch.Combine("buildah-root"), "--runroot", _scratch.Combine("buildah-run"), "--storage-driver", "vfs", .. args], timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"buildah {string.Join(' ', args)}: {result.Stdout}\n{result.Stderr}");
        return result.Stdout;
    }

    public async ValueTask DisposeAsync()
    {
        await Test.DisposeAsync();
        if (Directory.Exists(_scratch.Combine("buildah-root")))
        {
            await ExternalTool.RunAsync("buildah", ["--root", _scratch.Combine("buildah-root"), "--runroot", _scratch.Combine("buildah-run"), "--storage-driver", "vfs", "rm", "--all"]);
        }

        _scratch.Dispose();
    }

    /// <summary>Records progress reports as they come, on the reporting thread.</summary>
    private sealed class SynchronousProgress<T>(List<T> list) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (list)
            {
                list.Add(value);
            }
        }
    }
}
