#!/usr/bin/env bash
# Run-to-exit latency of /bin/true (image present): our engine in-process, podman run --rm, runc run on a prepared
# bundle, all in the same run on this machine. Prints a markdown table row set for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
runs=${RUNS:-50}
work=$(mktemp -d /tmp/bench-runtime.XXXXXX)
trap 'podman --root "$work/podman" --runroot "$work/podman-run" --storage-driver overlay rm -af >/dev/null 2>&1 || true; umount -R "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -c Release bench/Containers.Benchmarks -v quiet -nologo >/dev/null
bench="dotnet bench/Containers.Benchmarks/bin/Release/net10.0/Containers.Benchmarks.dll"
cli="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll"
dotnet build -c Release samples/Containers.Cli -v quiet -nologo >/dev/null

# One busybox image for everyone, made locally.
ours=$($bench run-true "$work/ours" "$runs")
$cli --root "$work/ours" save -o "$work/busybox.tar" busybox

podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none --cgroup-manager cgroupfs"
$podman load -i "$work/busybox.tar" >/dev/null
$podman run --rm localhost/busybox /bin/true
hyperfine --warmup 3 --runs "$runs" --export-json "$work/podman.json" "$podman run --rm --network none localhost/busybox /bin/true" >/dev/null

mkdir -p "$work/bundle/rootfs"
tar -C "$work/bundle/rootfs" -xf "$work/busybox.tar" --wildcards '*.tar' -O | tar -C "$work/bundle/rootfs" -xf -
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' config.json)
hyperfine --warmup 3 --runs "$runs" --export-json "$work/runc.json" "runc run -b $work/bundle bench-\$RANDOM" >/dev/null

python3 - "$ours" "$work/podman.json" "$work/runc.json" <<'PY'
import json, sys, statistics
ours = json.loads(sys.argv[1])
def stats(path):
    times = [t * 1000 for t in json.load(open(path))["results"][0]["times"]]
    times.sort()
    return statistics.mean(times), times[len(times) // 2]
pm, pp = stats(sys.argv[2])
rm, rp = stats(sys.argv[3])
om, op = ours["mean_ms"], ours["p50_ms"]
print("| engine | mean (ms) | median (ms) | vs ours (mean) |")
print("|---|---|---|---|")
print(f"| containers (in-process, overlay) | {om:.1f} | {op:.1f} | 1.00x |")
print(f"| podman run --rm --network none | {pm:.1f} | {pp:.1f} | {pm/om:.2f}x |")
print(f"| runc run (prepared bundle, no image handling) | {rm:.1f} | {rp:.1f} | {rm/om:.2f}x |")
PY
