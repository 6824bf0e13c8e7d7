using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>Joining a user namespace by path, ours against runc: the container's new namespaces belong to the joined one.</summary>
public sealed class UserNamespaceJoinTests : IDisposable
{
    private const string Probe = """
        echo "user $(readlink /proc/self/ns/user)"
        echo "holder's pid namespace: $([ "$(readlink /proc/self/ns/pid)" = "$HOLDER_PID_NS" ] && echo yes || echo no)"
        [ $$ = 1 ] && echo "pid=1" || echo "pid=not-1"
        echo "uid_map $(cat /proc/self/uid_map | tr -s ' ')"
        echo "id $(id -u) $(id -g)"
        grep -E '^(CapEff|CapBnd):' /proc/self/status
        for f in /dev/mqueue /dev/shm /dev/null; do stat -c 'dev %n %u %g %a' "$f"; done
        awk '{for(i=7;$i!="-";i++); print "mount", $5, $(i+1)}' /proc/self/mountinfo | sort
        echo "host $(hostname)"
        """;

    private readonly TempDirectory _scratch = new("ocirt-userns");
    private readonly RuncPair _pair;

    public UserNamespaceJoinTests() => _pair = new RuncPair(_scratch);

    public void Dispose()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_user_namespace_joined_by_path_holds_the_container_as_under_runc(bool joinPidNamespace)
    {
        // A holder: a user namespace mapping its root to the host's, and a pid namespace in it whose pid 1 is sleep.
        using var holder = System.Diagnostics.Process.Start("unshare", ["--user", "--map-root-user", "--pid", "--fork", "sleep", "600"]);
        try
        {
            var child = 0;
            await Eventually.UntilAsync(() =>
            {
                var children = File.ReadAllText($"/proc/{holder.Id}/task/{holder.Id}/children").Trim();
                child = children.Length > 0 ? int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
                return Task.FromResult(child > 0 && new FileInfo($"/proc/{child}/ns/pid").LinkTarget != new FileInfo("/proc/self/ns/pid").LinkTarget);
            }, "the namespace holder");

            var container = await _pair.BundleAsync("userns", ["sh", "-c", Probe], c =>
            {
                var linux = c["linux"]!.AsObject();
                c["process"]!["env"]!.AsArray().Add($"HOLDER_PID_NS={new FileInfo($"/proc/{child}/ns/pid").LinkTarget}");
                linux["namespaces"] = new JsonArray(
                    new JsonObject { ["type"] = "user", ["path"] = $"/proc/{child}/ns/user" },
                    joinPidNamespace ? new JsonObject { ["type"] = "pid", ["path"] = $"/proc/{child}/ns/pid" } : new JsonObject { ["type"] = "pid" },
                    new JsonObject { ["type"] = "mount" }, new JsonObject { ["type"] = "ipc" }, new JsonObject { ["type"] = "uts" }, new JsonObject { ["type"] = "network" });

                // runc wants the joined namespace's mapping; only its root is mapped, so no cgroup or sysfs mount and no gid=5 for devpts.
                linux["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 0, ["size"] = 1 });
                linux["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 0, ["size"] = 1 });
                c["mounts"] = new JsonArray(c["mounts"]!.AsArray()
                    .Where(m => m!["type"]!.GetValue<string>() is not "cgroup" and not "sysfs")
                    .Select(m =>
                    {
                        var mount = m!.DeepClone().AsObject();
                        if (mount["options"] is JsonArray options)
                        {
                            mount["options"] = new JsonArray(options.Select(o => o!.GetValue<string>()).Where(o => o != "gid=5").Select(o => (JsonNode)o).ToArray());
                        }

                        return (JsonNode)mount;
                    }).ToArray());
            });

            var (ours, runc) = await _pair.RunAsync(container, "run", "--bundle", "{bundle}", "{id}");
            runc.ExitCode.Should().Be(0, runc.Stderr);
            ours.ExitCode.Should().Be(0, ours.Stderr);
            ours.Stdout.Should().Contain($"user {new FileInfo($"/proc/{child}/ns/user").LinkTarget}\n");
            ours.Stdout.Should().Contain(joinPidNamespace ? "holder's pid namespace: yes\npid=not-1\n" : "holder's pid namespace: no\npid=1\n");
            ours.Stdout.Should().Be(runc.Stdout);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }
}
