#!/usr/bin/env bash
# Pull a realistic multi-layer image (debootstrap'd Debian + two app layers, gzip) from a loopback docker-registry into a
# fresh store: ours (download, then unpack ready to run), podman pull (the same), skopeo copy to an OCI layout
# (download only), in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cache=/var/cache/containers-bench
mkdir -p "$cache"
if [ ! -d "$cache/debian-rootfs" ]; then
  debootstrap --variant=minbase bookworm "$cache/debian-rootfs" "$(grep -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources | awk '{print $2}')" >/dev/null
fi
work=$(mktemp -d /tmp/bench-pull.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry=$!
trap 'kill $registry; umount -R "$work"/*/storage/overlay/mounts/* 2>/dev/null || true; podman --root "$work/podman" --runroot "$work/podman-run" rmi -af >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
sleep 1

dotnet build -c Release samples/Containers.Cli -v quiet -nologo >/dev/null
cli="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll"
image=127.0.0.1:$port/bench/debian-app:1

# Three gzip layers: Debian, 60 MB and 20 MB of incompressible app data.
tar -C "$cache/debian-rootfs" -cf "$work/base.tar" .
$cli --root "$work/seed" import "$work/base.tar" bench/base:1 >/dev/null
for size in 60 20; do
  mkdir -p "$work/app$size/opt"
  head -c "${size}000000" /dev/urandom > "$work/app$size/opt/data$size.bin"
done
$cli --root "$work/seed" save --format oci-dir -o "$work/layout" bench/base:1
python3 - "$work" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
work = sys.argv[1]; layout = os.path.join(work, "layout")
def blob(d): return os.path.join(layout, "blobs", *d.split(":"))
idx = json.load(open(os.path.join(layout, "index.json")))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
def add(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest(); open(blob(d), "wb").write(data); return d, len(data)
for size in (60, 20):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t: t.add(os.path.join(work, f"app{size}", "opt"), arcname="opt")
    raw = buf.getvalue()
    cfg["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(raw).hexdigest())
    d, n = add(gzip.compress(raw, 1))
    man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n})
cd, cs = add(json.dumps(cfg).encode()); man["config"] = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs}
md, ms = add(json.dumps(man).encode())
idx["manifests"] = [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "app"}}]
json.dump(idx, open(os.path.join(layout, "index.json"), "w"))
PY
skopeo copy -q --dest-tls-verify=false --dest-compress-format gzip oci:"$work/layout:app" docker://$image
size=$(skopeo inspect --raw --tls-verify=false docker://$image | python3 -c 'import json,sys; print(round(sum(l["size"] for l in json.load(sys.stdin)["layers"])/1e6))')
echo "image: 3 gzip layers, $size MB compressed" >&2

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print(f'{$e - $s:.2f}')"; }
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none"
for round in 1 2; do
  rm -rf "$work/ours" "$work/skopeo"; $podman rmi -af >/dev/null 2>&1 || true
  ours_dl=$(t $cli --root "$work/ours" pull -q "$image")
  ours_ready=$(t $cli --root "$work/ours" image mount "$image")
  umount "$work/ours/storage/overlay/mounts/"* 2>/dev/null || true
  ours=$(python3 -c "print(f'{$ours_dl + $ours_ready:.2f}')")
  pod=$(t $podman pull --tls-verify=false "$image")
  sko=$(t skopeo copy --src-tls-verify=false docker://$image oci:"$work/skopeo:app")
  echo "| $round | $ours ($ours_dl + $ours_ready) | $pod | $sko | $(python3 -c "print(f'{$pod / $ours:.2f}x')") | $(python3 -c "print(f'{$sko / $ours_dl:.2f}x')") |"
done
