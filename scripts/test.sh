#!/usr/bin/env bash
# Runs every test against the real thing: kernel features, a loopback registry, skopeo, umoci and podman.
# Fails too when the tests leave an engine bridge or firewall table behind in the kernel, or any bridge, veth, table,
# cgroup, mount or monitor labelled with a root of this run (every test root lives under this run's TMPDIR).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
source scripts/leak-check.sh
# Lowercase (buildah names oci: images after their path) and 0755 (user-namespace containers and non-root users of
# the tests traverse it), unlike mktemp -d's.
run_tmp=/tmp/containers-tests.$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
mkdir -m 755 "$run_tmp"
export TMPDIR=$run_tmp
kernel_objects() {
    { ls /sys/class/net | grep '^dc' || true; nft list tables 2>/dev/null | grep -o 'dotnet_containers_[0-9a-z_]*' || true; } | sort
}
before=$(kernel_objects)
status=0
dotnet test Containers.sln -c Release --logger "console;verbosity=normal" "$@" || status=$?
# The tests that claim to need no root (Category=NoRoot) run again as nobody, so one that needs root fails.
./scripts/test-noroot.sh --no-build || status=$?
leaked=$(comm -13 <(echo "$before") <(kernel_objects); leaked_objects "$run_tmp")
if [ -n "$leaked" ]; then
    echo "The tests left these kernel objects behind:" >&2
    echo "$leaked" >&2
    status=1
fi
rm -rf "$run_tmp" 2>/dev/null || true
exit $status
