#!/usr/bin/env bash
# PostgreSQL fixture start to first query (docs/benchmarks.md): ours in-process against Testcontainers for .NET
# (NuGet Testcontainers.PostgreSql) driving Docker (Debian's docker.io), on the same image: postgres:test is imported
# into our store from the services root filesystem and written out with our docker-archive export, and Docker loads
# that archive. Nothing is downloaded but packages; Ryuk (Testcontainers' reaper, an image from Docker Hub) is off.
# Docker runs on a private socket and data root for this script only, and is stopped at the end. Debian 12's Docker
# serves API 1.41 and Testcontainers 4.x asks for 1.44: DockerApiVersionProxy rewrites the version (same calls).
#   ROUNDS=10 interleaved warm rounds (ours, theirs, ...) in one process; FRESH=5 fresh processes of each.
#   PARTS="warm fresh snapshot": warm = ours without a snapshot against theirs; fresh = a fresh process of each;
#   snapshot = ours from a ready-state snapshot (WithReadySnapshot) against theirs, warm and in fresh processes.
#   BENCH_USER=postgres runs both servers as that user (the test image's entrypoint, as root, chowns PGDATA recursively).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-10}
FRESH=${FRESH:-5}
PARTS=" ${PARTS:-warm fresh snapshot} "

[ -x /usr/sbin/dockerd ] || DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null
project=bench/Containers.FixtureBenchmarks
dotnet build -c Release "$project" -v quiet -nologo >/dev/null
bench() { dotnet "$project/bin/Release/net10.0/Containers.FixtureBenchmarks.dll" "$@"; }

work=$(mktemp -d /var/tmp/bench-fixture.XXXXXX)
root=$work/root
tables_before=$(nft list tables)
bridge_before=$(ip -o link show docker0 2>/dev/null || true)
dockerd_pid=
proxy_pid=
cleanup() {
  set +e
  [ -n "$proxy_pid" ] && kill "$proxy_pid"
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid"; wait "$dockerd_pid" 2>/dev/null
  fi
  # dockerd leaves its bridge and its iptables tables behind: remove those it created.
  [ -z "$bridge_before" ] && ip link del docker0 2>/dev/null
  nft list tables | while read -r _ family name; do
    grep -qx "table $family $name" <<<"$tables_before" || case $name in filter | nat) nft delete table "$family" "$name" ;; esac
  done
  for r in "$root" "$work/warm" "$work/snap"; do [ -d "$r" ] && bench reset "$r"; done
  umount -R "$work/docker" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

bench import "$root"
bench save "$root" "$work/postgres.tar"

export DOCKER_HOST=unix://$work/docker.sock TESTCONTAINERS_RYUK_DISABLED=true
/usr/sbin/dockerd --host "$DOCKER_HOST" --data-root "$work/docker" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
  >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 100); do /usr/bin/docker info >/dev/null 2>&1 && break; sleep 0.2; done
/usr/bin/docker version --format 'docker {{.Server.Version}} (API {{.Server.APIVersion}})'
/usr/bin/docker load -i "$work/postgres.tar"
# Testcontainers 4.x speaks Docker API 1.44, Debian 12's Docker at most 1.41: a proxy rewrites the version in the path.
dotnet "$project/bin/Release/net10.0/Containers.FixtureBenchmarks.dll" proxy "$work/docker-1.44.sock" "$work/docker.sock" &
proxy_pid=$!
for _ in $(seq 100); do [ -S "$work/docker-1.44.sock" ] && break; sleep 0.1; done
export DOCKER_HOST=unix://$work/docker-1.44.sock

uptime
if [[ $PARTS == *" warm "* ]]; then bench warm "$work/warm" "$ROUNDS"; fi
if [[ $PARTS == *" snapshot "* ]]; then bench snapshot "$work/snap" "$ROUNDS"; fi
wall() { local start; start=$(date +%s%N); bench "$@"; echo "  process wall time $(( ($(date +%s%N) - start) / 1000000 )) ms; load $(cut -d' ' -f1-3 /proc/loadavg)"; }
for i in $(seq "$FRESH"); do
  if [[ $PARTS == *" fresh "* ]]; then wall fresh-ours "$root"; fi
  if [[ $PARTS == *" snapshot "* ]]; then wall fresh-snapshot "$work/snap"; fi
  wall fresh-theirs
done
uptime
