#!/usr/bin/env bash
# Installs what the engine's tests and benchmarks use, from Debian's packages; safe to run again.
set -euo pipefail

packages=(attr libcap2-bin busybox-static skopeo umoci podman buildah runc docker-registry debootstrap iptables nftables iproute2 hyperfine apache2-utils openssl gcc libc6-dev make)
# The linux-arm64 natives of the Containers.Linux package (dotnet pack); readelf checks their glibc symbol versions.
packages+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils)
# The Compose interoperability test runs the same files with podman-compose; dnsname lets podman's CNI networks resolve service names.
packages+=(podman-compose golang-github-containernetworking-plugin-dnsname)
# Native AOT publishing of the containers and containers-runtime executables (dotnet publish): clang links, with lld.
packages+=(clang lld)
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

# A services image for the fixture tests: that Debian with postgresql and redis-server, and an entrypoint that follows
# the official postgres image's conventions (test-images/docker-entrypoint.sh). Built once from the cached Debian tar
# and this machine's Debian mirror, never pulled (about 2-3 minutes); rebuilt when the entrypoint or the recipe version changes.
services_tar=/var/cache/containers-tests/debian-services.tar
entrypoint="$(dirname "$0")/test-images/docker-entrypoint.sh"
services_stamp=none
if [ "${CONTAINERS_TEST_IMAGES:-1}" = 1 ]; then
  services_stamp="v2-$(sha256sum "$entrypoint" | cut -c1-16)"   # bump v2 when the recipe below changes
fi
if [ "$services_stamp" != none ] && [ "$(cat "$services_tar.stamp" 2>/dev/null)" != "$services_stamp" ]; then
  staging=$(mktemp -d /var/cache/containers-tests/services.XXXXXX)
  rootfs="$staging/rootfs"
  mkdir "$rootfs"
  tar -C "$rootfs" --numeric-owner --xattrs -xf "$debian_tar"
  # The Debian tar has its own device nodes; only /proc is mounted, and the removal never crosses into a mount.
  cleanup_services() { umount "$rootfs/proc" 2>/dev/null || true; rm -rf --one-file-system "$staging"; }
  trap cleanup_services EXIT
  mount -t proc proc "$rootfs/proc"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"   # no service starts inside the chroot
  chmod +x "$rootfs/usr/sbin/policy-rc.d"
  chroot "$rootfs" /bin/sh -euc '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
    # As the official image does: no cluster at install time; the entrypoint runs initdb on the first start.
    sed -ri "s/#(create_main_cluster) .*$/\1 = false/" /etc/postgresql-common/createcluster.conf
    apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
    for f in /usr/lib/postgresql/*/bin/*; do ln -sf "$f" /usr/local/bin/; done
    mkdir -p /var/lib/postgresql/data /var/run/postgresql /docker-entrypoint-initdb.d
    chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
    chmod 1777 /var/lib/postgresql/data
    chmod 3777 /var/run/postgresql
    apt-get clean
    # Tests need neither the JIT (LLVM and z3 are 135 MB; postgres runs without its provider) nor docs and translations.
    rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d /etc/resolv.conf /usr/share/doc/* /usr/share/man/* /usr/share/locale/* \
      /usr/lib/postgresql/*/lib/llvmjit* /usr/lib/postgresql/*/lib/bitcode /usr/lib/*/libLLVM-* /usr/lib/*/libz3.so*
  '
  install -m 0755 "$entrypoint" "$rootfs/usr/local/bin/docker-entrypoint.sh"
  umount "$rootfs/proc"
  tar -C "$rootfs" --numeric-owner --xattrs -cf "$staging/services.tar" .
  mv "$staging/services.tar" "$services_tar"
  echo "$services_stamp" > "$services_tar.stamp"
  cleanup_services
  trap - EXIT
fi
