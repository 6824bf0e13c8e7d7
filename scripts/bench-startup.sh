#!/usr/bin/env bash
# Command-line start-up, side by side and interleaved (one round runs every command once, so machine load hits all
# alike): the native (AOT) containers and containers-runtime against their JIT builds, podman and runc; and the first
# container of a fresh .NET process (JIT, ReadyToRun). Prints markdown tables for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
work=$(mktemp -d /tmp/bench-startup.XXXXXX)
rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none --cgroup-manager cgroupfs"
trap '$podman rm -af >/dev/null 2>&1 || true; $podman rmi -af >/dev/null 2>&1 || true; umount -R "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

# Native executables (in their default publish directories: an -o would rebuild the libraries under other global
# properties), and the JIT builds beside them ("before").
dotnet publish samples/Containers.Cli -c Release -v quiet -nologo >/dev/null
dotnet publish samples/Containers.Runtime -c Release -v quiet -nologo >/dev/null
dotnet build samples/Containers.Cli -c Release -v quiet -nologo >/dev/null
dotnet build samples/Containers.Runtime -c Release -v quiet -nologo >/dev/null
dotnet build bench/Containers.Benchmarks -c Release -v quiet -nologo >/dev/null
dotnet publish bench/Containers.Benchmarks -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/bench-r2r" -v quiet -nologo >/dev/null
native="$PWD/samples/Containers.Cli/bin/Release/net10.0/$rid/publish/containers"
jit="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll"
rt_native="$PWD/samples/Containers.Runtime/bin/Release/net10.0/$rid/publish/containers-runtime"
rt_jit="$PWD/samples/Containers.Runtime/bin/Release/net10.0/containers-runtime"

# One busybox image for everyone, made from Debian's busybox-static.
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
tar -C "$work/bundle/rootfs" -cf "$work/busybox.tar" .
$native --root "$work/ours" import - busybox:latest < "$work/busybox.tar" >/dev/null
$podman import "$work/busybox.tar" localhost/busybox >/dev/null
(cd "$work/bundle" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"\/bin\/true"/' config.json)
# podman's cleanup process does not pass --runtime-flag: our runtime keeps its default state root under podman.

python3 - "$work" "$runs" <<PY
import json, os, statistics, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
cmds = {
    "containers run (native)": "$native --root $work/ours run --rm --network none busybox /bin/true",
    "containers run (JIT)": "$jit --root $work/ours run --rm --network none busybox /bin/true",
    "podman run": "$podman run --rm --network none localhost/busybox /bin/true",
    "containers images (native)": "$native --root $work/ours images",
    "containers images (JIT)": "$jit --root $work/ours images",
    "podman images": "$podman images",
    "podman --runtime containers-runtime (native)": "$podman --runtime $rt_native run --rm --network none localhost/busybox /bin/true",
    "podman --runtime containers-runtime (JIT)": "$podman --runtime $rt_jit run --rm --network none localhost/busybox /bin/true",
    "podman --runtime runc": "$podman --runtime runc run --rm --network none localhost/busybox /bin/true",
    "containers-runtime run (native)": "$rt_native --root $work/rt-state run -b $work/bundle bench-{i}",
    "containers-runtime run (JIT)": "$rt_jit --root $work/rt-state run -b $work/bundle bench-j{i}",
    "runc run": "runc --root $work/runc-state run -b $work/bundle bench-r{i}",
    "first container, fresh process (JIT)": "dotnet bench/Containers.Benchmarks/bin/Release/net10.0/Containers.Benchmarks.dll first $work/ours",
    "first container, fresh process (ReadyToRun)": "$work/bench-r2r/Containers.Benchmarks first $work/ours",
}
times = {k: [] for k in cmds}
first = {k: [] for k in cmds if k.startswith("first")}
for i in range(runs + 2):
    for name, cmd in cmds.items():
        start = time.perf_counter()
        proc = subprocess.run(cmd.format(i=i), shell=True, capture_output=True, text=True)
        elapsed = (time.perf_counter() - start) * 1000
        out = proc.stdout
        if proc.returncode != 0:  # reported, and left out of the figures
            print(f"{name} failed ({proc.returncode}): {proc.stderr.strip()[:300]}", file=sys.stderr)
            continue
        if i >= 2:  # two warm-up rounds
            times[name].append(elapsed)
            if name in first:
                first[name].append(json.loads(out.strip().splitlines()[-1]))
med = {k: statistics.median(v) for k, v in times.items()}
print(f"load average before: {open('/proc/loadavg').read().split()[:3]}, {runs} interleaved rounds")
print()
print("| command | median (ms) | mean (ms) | ratio |")
print("|---|---|---|---|")
def row(name, against=None, label=None):
    ratio = f"{med[against] / med[name]:.1f}x faster than {against}" if against else ""
    print(f"| {label or name} | {med[name]:.1f} | {statistics.mean(times[name]):.1f} | {ratio} |")
row("containers run (native)", "podman run")
row("containers run (JIT)", "podman run")
row("podman run")
row("containers images (native)", "containers images (JIT)")
row("containers images (JIT)")
row("podman images")
row("podman --runtime containers-runtime (native)", "podman --runtime runc")
row("podman --runtime containers-runtime (JIT)", "podman --runtime runc")
row("podman --runtime runc")
row("containers-runtime run (native)", "runc run")
row("containers-runtime run (JIT)", "runc run")
row("runc run")
row("first container, fresh process (JIT)")
row("first container, fresh process (ReadyToRun)", "first container, fresh process (JIT)")
print()
print("| first container, fresh process | runtime start-up (ms) | ContainerEngine.Create (ms) | first run+wait+rm (ms) |")
print("|---|---|---|---|")
for name, samples in first.items():
    m = lambda key: statistics.median(s[key] for s in samples)
    print(f"| {name.split('(')[1][:-1]} | {m('startup_ms'):.1f} | {m('create_ms'):.1f} | {m('first_run_ms'):.1f} |")
print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
PY

# The steady state in one warm process, for the same table: run-to-exit with no network and on the default bridge,
# and where a run's time goes (create, start, wait, remove).
bench="dotnet bench/Containers.Benchmarks/bin/Release/net10.0/Containers.Benchmarks.dll"
echo
echo "in-process run-to-exit, --network none: $($bench run-true "$work/ours" 30)"
echo "in-process run-to-exit, default bridge: $($bench run-true-bridge "$work/ours" 30)"
echo "in-process phases (means, ms): $($bench phases "$work/ours" 30)"
