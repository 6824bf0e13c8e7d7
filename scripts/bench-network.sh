#!/usr/bin/env bash
# Extra cost of a bridge-networked container over --network none, run-to-exit of /bin/true (image present): our engine
# in-process and podman run --rm, in the same run on this machine. Prints markdown rows for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
runs=${RUNS:-50}
work=$(mktemp -d /tmp/bench-network.XXXXXX)
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none --cgroup-manager cgroupfs"
trap '$podman rm -af >/dev/null 2>&1 || true; umount -R "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -c Release bench/Containers.Benchmarks -v quiet -nologo >/dev/null
dotnet build -c Release samples/Containers.Cli -v quiet -nologo >/dev/null
bench="dotnet bench/Containers.Benchmarks/bin/Release/net10.0/Containers.Benchmarks.dll"
cli="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll"

none=$($bench run-true "$work/ours" "$runs")
bridge=$($bench run-true-bridge "$work/ours" "$runs")
$cli --root "$work/ours" save -o "$work/busybox.tar" busybox

$podman load -i "$work/busybox.tar" >/dev/null
$podman run --rm localhost/busybox /bin/true
hyperfine --warmup 3 --runs "$runs" --export-json "$work/podman-none.json" "$podman run --rm --network none localhost/busybox /bin/true" >/dev/null
hyperfine --warmup 3 --runs "$runs" --export-json "$work/podman-bridge.json" "$podman run --rm --network bridge localhost/busybox /bin/true" >/dev/null

python3 - "$none" "$bridge" "$work/podman-none.json" "$work/podman-bridge.json" <<'PY'
import json, sys
def ours(text):
    o = json.loads(text)
    return o["mean_ms"], o["p50_ms"]
def podman(path):
    times = sorted(t * 1000 for t in json.load(open(path))["results"][0]["times"])
    return sum(times) / len(times), times[len(times) // 2]
rows = [("containers, --network none", ours(sys.argv[1])), ("containers, bridge network", ours(sys.argv[2])),
        ("podman run --rm --network none", podman(sys.argv[3])), ("podman run --rm --network bridge", podman(sys.argv[4]))]
print("| engine, network | mean (ms) | median (ms) |")
print("|---|---|---|")
for name, (mean, p50) in rows:
    print(f"| {name} | {mean:.1f} | {p50:.1f} |")
print(f"\nBridge over none: containers +{rows[1][1][0] - rows[0][1][0]:.1f} ms mean, podman +{rows[3][1][0] - rows[2][1][0]:.1f} ms mean.")
PY
