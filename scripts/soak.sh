#!/usr/bin/env bash
# The soak of the fault suite at full length: 10,000 sequential `run --rm` in one process (SoakTests at
# CONTAINERS_SOAK_RUNS), then the descriptor, mount, cgroup and managed-heap figures before and after, for
# docs/benchmarks.md. Takes about an hour on a loaded two-core machine; RUNS=N shortens it.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release tests/Containers.Cli.Tests -v quiet -nologo >/dev/null
CONTAINERS_SOAK_RUNS=${RUNS:-10000} dotnet test tests/Containers.Cli.Tests -c Release --no-build \
  --filter "FullyQualifiedName~Faults.SoakTests" --logger "console;verbosity=detailed" | grep -E "soak:|Passed|Failed"
