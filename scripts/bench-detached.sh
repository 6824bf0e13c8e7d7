#!/usr/bin/env bash
# Detached start latency (run -d until the container runs) and exec latency (/bin/true in a running container):
# ours in-process and through the CLI, podman run -d and podman exec, in the same run on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
runs=${RUNS:-30}
work=$(mktemp -d /tmp/bench-detached.XXXXXX)
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none --cgroup-manager cgroupfs"
cli="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll --root $work/ours"
trap '$podman rm -af -t 0 >/dev/null 2>&1 || true; $cli rm -f $($cli ps -aq 2>/dev/null) >/dev/null 2>&1 || true; umount -R "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -c Release bench/Containers.Benchmarks -v quiet -nologo >/dev/null
dotnet build -c Release samples/Containers.Cli -v quiet -nologo >/dev/null
ours=$(dotnet bench/Containers.Benchmarks/bin/Release/net10.0/Containers.Benchmarks.dll detached "$work/ours" "$runs")
$cli save -o "$work/busybox.tar" busybox
$podman load -i "$work/busybox.tar" >/dev/null

$cli run -d --name server busybox sleep 3600 >/dev/null
$podman run -d --name server --network none localhost/busybox sleep 3600 >/dev/null
hyperfine --warmup 3 --runs "$runs" --export-json "$work/cli-run.json" "$cli run -d busybox sleep 3600" >/dev/null
hyperfine --warmup 3 --runs "$runs" --export-json "$work/podman-run.json" "$podman run -d --network none localhost/busybox sleep 3600" >/dev/null
hyperfine --warmup 3 --runs "$runs" --export-json "$work/cli-exec.json" "$cli exec server /bin/true" >/dev/null
hyperfine --warmup 3 --runs "$runs" --export-json "$work/podman-exec.json" "$podman exec server /bin/true" >/dev/null

python3 - "$ours" "$work" <<'PY'
import json, statistics, sys
ours = json.loads(sys.argv[1]); work = sys.argv[2]
def mean(name): return statistics.mean(t * 1000 for t in json.load(open(f"{work}/{name}.json"))["results"][0]["times"])
rows = [("detached start", ours["start_mean_ms"], mean("cli-run"), mean("podman-run")),
        ("exec /bin/true", ours["exec_mean_ms"], mean("cli-exec"), mean("podman-exec"))]
print("| operation | ours in-process (ms) | ours CLI (ms) | podman CLI (ms) | podman vs our CLI | podman vs in-process |")
print("|---|---|---|---|---|---|")
for name, api, cli, pod in rows:
    print(f"| {name} | {api:.1f} | {cli:.1f} | {pod:.1f} | {pod/cli:.2f}x | {pod/api:.2f}x |")
PY
