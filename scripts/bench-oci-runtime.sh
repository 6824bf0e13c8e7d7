#!/usr/bin/env bash
# containers-runtime under podman and on a prepared bundle, beside runc, in the same run: podman run --rm with each
# runtime (ours with its default state root: podman's cleanup process does not pass --runtime-flag), and
# "<runtime> run" on one busybox bundle. Prints a markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-20}
work=$(mktemp -d /tmp/bench-oci-runtime.XXXXXX)
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none --cgroup-manager cgroupfs"
trap '$podman rm -af >/dev/null 2>&1 || true; $podman rmi -af >/dev/null 2>&1 || true; umount -R "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet build -c Release samples/Containers.Runtime -v quiet -nologo >/dev/null
ours="$PWD/samples/Containers.Runtime/bin/Release/net10.0/containers-runtime"

mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
tar -C "$work/bundle/rootfs" -cf "$work/busybox.tar" .
$podman import "$work/busybox.tar" localhost/bench-busybox >/dev/null
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' config.json)

hyperfine --warmup 2 --runs "$runs" --export-json "$work/podman-runc.json" \
  "$podman --runtime runc run --rm --network none localhost/bench-busybox /bin/true" >/dev/null
hyperfine --warmup 2 --runs "$runs" --export-json "$work/podman-ours.json" \
  "$podman --runtime $ours run --rm --network none localhost/bench-busybox /bin/true" >/dev/null
hyperfine --warmup 2 --runs "$runs" --export-json "$work/runc.json" "runc --root $work/runc-state run -b $work/bundle bench-\$RANDOM" >/dev/null
hyperfine --warmup 2 --runs "$runs" --export-json "$work/ours.json" "$ours --root $work/state run -b $work/bundle bench-\$RANDOM" >/dev/null

python3 - "$work" <<'PY'
import json, sys, statistics
def stats(name):
    times = sorted(t * 1000 for t in json.load(open(f"{sys.argv[1]}/{name}.json"))["results"][0]["times"])
    return statistics.mean(times), times[len(times) // 2]
print("| command | mean (ms) | median (ms) |")
print("|---|---|---|")
for label, name in [("podman run --rm (runc)", "podman-runc"), ("podman run --rm (containers-runtime)", "podman-ours"),
                    ("runc run (bundle)", "runc"), ("containers-runtime run (bundle)", "ours")]:
    mean, median = stats(name)
    print(f"| {label} | {mean:.1f} | {median:.1f} |")
PY
