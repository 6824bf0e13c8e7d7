#!/usr/bin/env bash
# Runs every test against the real thing: kernel features, a loopback registry, skopeo, umoci and podman.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
dotnet test Containers.sln -c Release --logger "console;verbosity=normal" "$@"
