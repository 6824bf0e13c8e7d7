using System.Formats.Tar;
using System.Text.Json;
using Containers.Build;

namespace Containers.Linux.Tests.Build;

/// <summary>
/// Builds each Dockerfile of a small corpus with this engine and with <c>buildah bud</c>, from the same busybox, and
/// checks that the two images hold the same files (content, mode, owner) and the same run configuration.
/// </summary>
public sealed class DockerfileCorpusTests
{
    private static readonly string[] ConfigFields = ["Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels", "Healthcheck", "StopSignal", "OnBuild"];

    [Fact]
    public async Task Every_instruction_gives_the_files_and_configuration_buildah_gives()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", """
            # syntax=docker/dockerfile:1
            ARG BASE=busybox
            FROM ${BASE} AS base
            ARG VERSION=1.0
            ENV APP_HOME=/opt/app \
                VERSION=${VERSION}
            # a comment inside nothing
            ENV LEGACY value with spaces
            LABEL org.example.version="${VERSION}" "org.example.name"="demo app"
            WORKDIR $APP_HOME
            COPY --chown=app:app src/ ./src/
            COPY --chmod=0755 run.sh /usr/local/bin/
            ADD files.tar /opt/extracted/
            COPY *.txt /opt/texts/
            COPY single.txt /opt/renamed.txt
            USER app
            RUN echo "${VERSION:-none} ${UNSET:-fallback} ${VERSION:+set}" > /tmp/subst && id -u > /tmp/uid
            USER root
            RUN ["/bin/sh", "-c", "mkdir -p /data && echo exec > /data/form && rm /etc/group && echo 'root:x:0:' > /etc/group"]
            SHELL ["/bin/sh", "-ec"]
            RUN echo shell >> /data/form \
             && rm -r /opt/app/src/nested
            EXPOSE 80 443/tcp 53/udp
            VOLUME ["/data"]
            VOLUME /cache
            STOPSIGNAL SIGINT
            HEALTHCHECK --interval=30s --timeout=3s --retries=2 CMD wget -q -O- http://localhost/ || exit 1
            ONBUILD RUN echo child
            ENTRYPOINT ["/usr/local/bin/run.sh"]
            CMD ["--help"]
            """);
        kit.Write("src/main.c", "int main() { return 0; }\n");
        kit.Write("src/nested/deep.h", "#pragma once\n");
        kit.Write("run.sh", "#!/bin/sh\necho run\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        kit.Write("a.txt", "a\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        kit.Write("single.txt", "single\n");
        WriteTar(Path.Combine(kit.Context, "files.tar"));

        var image = await kit.BuildAsync();
        await AssertSameAsBuildahAsync(kit, image);
    }

    [Fact]
    public async Task Multi_stage_copies_from_stages_and_builds_only_what_the_target_needs()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", """
            FROM busybox AS deps
            RUN mkdir -p /out && echo deps > /out/deps.txt && ln -s deps.txt /out/link

            FROM busybox AS tool
            WORKDIR /tool
            COPY tool.sh .
            RUN chmod 750 tool.sh && echo built > /tool/built

            FROM deps AS extended
            RUN echo more >> /out/deps.txt

            FROM busybox
            COPY --from=deps /out/deps.txt /app/
            COPY --from=tool /tool /app/tool
            COPY --from=extended /out/ /app/extended/
            COPY --from=busybox /bin/busybox /app/bin/
            RUN cat /app/deps.txt /app/tool/built > /app/all
            """);
        kit.Write("tool.sh", "#!/bin/sh\n");
        var image = await kit.BuildAsync();
        await AssertSameAsBuildahAsync(kit, image);
        Assert.Contains(kit.Progress, p => p.Stage == "tool");
    }

    [Fact]
    public async Task Dockerignore_patterns_exceptions_and_double_stars_decide_the_context()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", "FROM busybox\nCOPY . /ctx/\n");
        kit.Write(".dockerignore", "*.log\n**/*.tmp\nsecret/\n!keep.log\ndocs\n!docs/README.md\n# comment\n/sub/skip*\n");
        foreach (var file in new[] { "a.log", "keep.log", "x.tmp", "sub/y.tmp", "sub/deeper/z.tmp", "sub/z.txt", "sub/skip-me", "secret/key", "docs/README.md", "docs/other.md", "main.txt" })
        {
            kit.Write(file, file + "\n");
        }

        var image = await kit.BuildAsync();
        var files = await AssertSameAsBuildahAsync(kit, image);
        var copied = files.Keys.Where(k => k.StartsWith("ctx/", StringComparison.Ordinal)).Select(k => k[4..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([".dockerignore", "Dockerfile", "docs", "docs/README.md", "keep.log", "main.txt", "sub", "sub/deeper", "sub/z.txt"], copied);
    }

    [Fact]
    public async Task Heredocs_run_scripts_and_write_files()
    {
        await using var kit = await BuildTestKit.CreateAsync();
        kit.Write("Dockerfile", """
            FROM busybox
            ARG NAME=world
            RUN <<EOF
            mkdir -p /h
            echo "script $NAME" > /h/script
            EOF
            RUN cat > /h/fed <<'END'
            literal $NAME
            END
            COPY <<EOF /h/copied
            hello ${NAME}
            EOF
            COPY <<'EOF' /h/raw
            raw ${NAME}
            EOF
            """);
        var image = await kit.BuildAsync(new BuildOptions { BuildArgs = new Dictionary<string, string> { ["NAME"] = "there" } });
        var files = await kit.FilesAsync(await kit.SaveOursAsync(image));
        Assert.Equal("f 644 0:0", string.Join(' ', files["h/copied"].Split(' ').Take(3)));
        Assert.Equal(Hash("hello there\n"), files["h/copied"].Split(' ')[3]);
        Assert.Equal(Hash("raw ${NAME}\n"), files["h/raw"].Split(' ')[3]);
        Assert.Equal(Hash("script there\n"), files["h/script"].Split(' ')[3]);
        Assert.Equal(Hash("literal $NAME\n"), files["h/fed"].Split(' ')[3]);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];

    internal static async Task<SortedDictionary<string, string>> AssertSameAsBuildahAsync(BuildTestKit kit, Images.ImageDetails image)
    {
        var oursLayout = await kit.SaveOursAsync(image);
        var theirsLayout = await kit.BuildWithBuildahAsync("--format", "docker");
        var ours = await kit.FilesAsync(oursLayout);
        BuildTestKit.AssertSameFiles(await kit.FilesAsync(theirsLayout), ours);
        var oursConfig = BuildTestKit.Config(oursLayout);
        var theirsConfig = await kit.BuildahConfigAsync();
        foreach (var field in ConfigFields)
        {
            Assert.True(Normalize(theirsConfig, field) == Normalize(oursConfig, field), $"{field}: buildah {Normalize(theirsConfig, field)}, ours {Normalize(oursConfig, field)}");
        }

        return ours;
    }

    /// <summary>A field as comparable text: absent, null and empty are alike; buildah's own version label is left out.</summary>
    private static string Normalize(JsonElement config, string field)
    {
        if (!config.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Object => string.Join(',', value.EnumerateObject().Where(p => p.Name != "io.buildah.version").Select(p => p.Name + "=" + (p.Value.ValueKind == JsonValueKind.Array ? Normalize(p.Value) : p.Value.GetRawText())).Order(StringComparer.Ordinal)),
            JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Array ? Normalize(e) : e.GetRawText())),
            _ => value.ToString(),
        };
    }

    private static string Normalize(JsonElement array) => "[" + string.Join(',', array.EnumerateArray().Select(e => e.GetRawText())) + "]";

    internal static void WriteTar(string path)
    {
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "pkg/") { Mode = (UnixFileMode)0x1ED, Uid = 1000, Gid = 1000 });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "pkg/data.bin") { DataStream = new MemoryStream([1, 2, 3]), Mode = (UnixFileMode)0x180, Uid = 1000, Gid = 1000 });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "pkg/link") { LinkName = "data.bin", Mode = (UnixFileMode)0x1FF });
    }
}
