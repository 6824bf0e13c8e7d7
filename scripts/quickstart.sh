#!/usr/bin/env bash
# The newcomer's first run: install what is needed, publish the CLI as a native executable, make a busybox image locally and run a container from it.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTAINERS_TEST_IMAGES=0 ./scripts/install-deps.sh
# The native executable (ahead-of-time compiled: starts in milliseconds); `dotnet run --project samples/Containers.Cli` is the JIT build.
dotnet publish samples/Containers.Cli -c Release -o artifacts/containers -v quiet -nologo
cli=artifacts/containers/containers
export CONTAINERS_ROOT="${CONTAINERS_ROOT:-/var/lib/dotnet-containers}"

# A busybox root filesystem made from Debian's busybox-static: no image is downloaded.
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,tmp,root}
cp /bin/busybox "$rootfs/bin/"
for applet in $("$rootfs/bin/busybox" --list); do [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
echo 'root:x:0:' > "$rootfs/etc/group"
tar -C "$rootfs" -cf - . | $cli import --change 'CMD ["/bin/sh"]' - busybox:latest
$cli images
$cli run --rm busybox sh -c 'echo "Hello from PID $$ in container $(hostname)"'
