#!/usr/bin/env bash
# Runs the tests that must pass without root (trait Category=NoRoot: the container lifecycle and networking against fakes) as the
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
projects=(Containers.Core.Tests Containers.Linux.Tests)
if [ "$build" = 1 ]; then
    for project in "${projects[@]}"; do
        dotnet build "tests/$project" -c Release
    done
fi

scratch=$(mktemp -d /tmp/containers-noroot.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/tmp"
chown -R 65534:65534 "$scratch/home" "$scratch/tmp"
chmod 755 "$scratch"
status=0
for project in "${projects[@]}"; do
    mkdir -p "$scratch/$project"
    cp -r "tests/$project/bin/Release/net10.0/." "$scratch/$project/"
    chmod -R a+rX "$scratch/$project"
    (cd "$scratch" && env HOME="$scratch/home" DOTNET_CLI_HOME="$scratch/home" TMPDIR="$scratch/tmp" DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
        setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
        dotnet test "$scratch/$project/$project.dll" --filter "Category=NoRoot" --results-directory "$scratch/tmp/results" "$@") || status=$?
done
exit $status
