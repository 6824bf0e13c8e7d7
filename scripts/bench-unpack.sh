#!/usr/bin/env bash
# Load-and-unpack of a realistic image: a debootstrap'd Debian (minbase, ~200 MB) plus an app layer, from a gzip OCI
# archive and from an uncompressed docker archive, into a fresh store; ours (load + image mount, which unpacks every
# layer) against podman load into its own overlay storage, in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cache=/var/cache/containers-bench
mkdir -p "$cache"
if [ ! -d "$cache/debian-rootfs" ]; then
  mirror=$(grep -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources | awk '{print $2}')
  debootstrap --variant=minbase bookworm "$cache/debian-rootfs" "$mirror" >/dev/null
fi

work=$(mktemp -d /tmp/bench-unpack.XXXXXX)
trap 'umount -R "$work"/*/storage/overlay/mounts/* 2>/dev/null || true; podman --root "$work/podman" --runroot "$work/podman-run" --storage-driver overlay rmi -af >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
dotnet build -c Release samples/Containers.Cli -v quiet -nologo >/dev/null
cli="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll"

# The image: Debian as one layer, an app layer on top; written once, as both archive kinds.
mkdir -p "$work/app/opt/app"
head -c 20000000 /dev/urandom > "$work/app/opt/app/data.bin"
tar -C "$cache/debian-rootfs" -cf "$work/base.tar" .
tar -C "$work/app" -cf "$work/app.tar" .
$cli --root "$work/seed" import "$work/base.tar" bench/debian:base >/dev/null
$cli --root "$work/seed" save -o "$work/base-image.tar" bench/debian:base
skopeo copy -q docker-archive:"$work/base-image.tar" oci:"$work/layout:base"
printf 'FROM scratch\n' >/dev/null
# Append the app layer with skopeo's help: a second image sharing the base is made by our CLI through a layout.
python3 - "$work" <<'PY'
import hashlib, json, os, sys, gzip, shutil
work = sys.argv[1]
layout = os.path.join(work, "layout")
idx = json.load(open(os.path.join(layout, "index.json")))
def blob(d): return os.path.join(layout, "blobs", *d.split(":"))
man = json.load(open(blob(idx["manifests"][0]["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
def add(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    open(blob(d), "wb").write(data); return d, len(data)
raw = open(os.path.join(work, "app.tar"), "rb").read()
diff = "sha256:" + hashlib.sha256(raw).hexdigest()
gz = gzip.compress(raw, compresslevel=6)
ld, ls = add(gz)
cfg["rootfs"]["diff_ids"].append(diff)
cfg.setdefault("history", []).append({"created_by": "app layer"})
cd, cs = add(json.dumps(cfg).encode())
man["config"] = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs}
man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": ls})
md, ms = add(json.dumps(man).encode())
idx["manifests"] = [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "app"}}]
json.dump(idx, open(os.path.join(layout, "index.json"), "w"))
PY
skopeo copy -q --dest-compress-format gzip oci:"$work/layout:app" oci-archive:"$work/app-oci.tar:localhost/bench/app:1"
skopeo copy -q oci:"$work/layout:app" docker-archive:"$work/app-docker.tar:localhost/bench/app:1"
ls -l "$work"/app-*.tar >&2

measure() { # label command...
  local start end
  start=$(date +%s.%N); "${@:2}" >/dev/null; end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}
podman="podman --root $work/podman --runroot $work/podman-run --storage-driver overlay --events-backend none"
for kind in oci docker; do
  rm -rf "$work/ours-$kind"
  ours=$(measure ours bash -c "$cli --root $work/ours-$kind load -i $work/app-$kind.tar && $cli --root $work/ours-$kind image mount localhost/bench/app:1")
  $podman rmi -af >/dev/null 2>&1 || true
  theirs=$(measure podman $podman load -i "$work/app-$kind.tar")
  echo "| $kind archive | $ours | $theirs | $(python3 -c "print(f'{$theirs / $ours:.2f}x')") |"
done
