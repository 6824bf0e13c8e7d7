#!/usr/bin/env bash
# Runs the tests that must pass without root (trait Category=NoRoot: the container lifecycle against fakes) as the
# unprivileged user nobody, so a test that reaches for a mount, cgroup, namespace or netlink fails here.
# The build output is copied to a world-readable scratch directory, because nobody may not read the work tree.
# Usage: scripts/test-noroot.sh [--no-build] [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [ "${1:-}" = "--no-build" ]; then
    build=0
    shift
fi
if [ "$build" = 1 ]; then
    dotnet build tests/Containers.Core.Tests -c Release
fi

output=tests/Containers.Core.Tests/bin/Release/net10.0
scratch=$(mktemp -d /tmp/containers-noroot.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/home" "$scratch/tmp"
cp -r "$output/." "$scratch/bin/"
chmod -R a+rX "$scratch/bin"
chown -R 65534:65534 "$scratch/home" "$scratch/tmp"
chmod 755 "$scratch"

cd "$scratch"
env HOME="$scratch/home" DOTNET_CLI_HOME="$scratch/home" TMPDIR="$scratch/tmp" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
    dotnet test "$scratch/bin/Containers.Core.Tests.dll" --filter "Category=NoRoot" --results-directory "$scratch/tmp/results" "$@"
