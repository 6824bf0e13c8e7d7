#!/usr/bin/env bash
# Installs what the engine's tests and benchmarks use, from Debian's packages; safe to run again.
set -euo pipefail

packages=(attr libcap2-bin busybox-static skopeo umoci podman buildah runc docker-registry debootstrap iptables nftables iproute2 hyperfine apache2-utils openssl gcc libc6-dev make)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# podman 4.3 here runs only with runc and ulimits below this machine's hard limits (see ../shared/notes/machine.md).
mkdir -p /etc/containers
if ! grep -q 'runtime = "runc"' /etc/containers/containers.conf 2>/dev/null; then
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
fi

# A debootstrap'd Debian for the tests that need a real distribution (dynamically linked programs, real users);
# built once from this machine's Debian mirror and cached, since tests never download images.
# CONTAINERS_TEST_IMAGES=0 skips it (the quickstart needs only busybox).
debian_tar=/var/cache/containers-tests/debian-bookworm.tar
if [ "${CONTAINERS_TEST_IMAGES:-1}" = 1 ] && [ ! -s "$debian_tar" ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mkdir -p "$(dirname "$debian_tar")"
  staging=$(mktemp -d /var/cache/containers-tests/debian.XXXXXX)
  debootstrap --variant=minbase bookworm "$staging/rootfs" "${mirror:-http://deb.debian.org/debian}" >/dev/null
  tar -C "$staging/rootfs" --numeric-owner --xattrs -cf "$staging/debian.tar" .
  mv "$staging/debian.tar" "$debian_tar"
  rm -rf "$staging"
fi
