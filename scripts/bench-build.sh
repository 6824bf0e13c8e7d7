#!/usr/bin/env bash
# Dockerfile builds: a cold multi-stage build (--no-cache) and a rebuild after editing one source file, ours (CLI, and
# in-process through bench/Containers.Benchmarks) against buildah bud (Debian's, overlay storage, --layers), both from
# the same Debian image, interleaved round by round (the order alternates), with the load average of every round. Also
# fully cached rebuilds. Needs buildah and the Debian rootfs tar that install-deps.sh caches.
# Usage: scripts/bench-build.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
debian=/var/cache/containers-tests/debian-bookworm.tar
[ -f "$debian" ] || { echo "missing $debian: run scripts/install-deps.sh" >&2; exit 1; }
command -v buildah >/dev/null || { echo "buildah is not installed: run scripts/install-deps.sh" >&2; exit 1; }

work=/tmp/bench-build-$$ # lowercase: buildah names an oci: image after its path
mkdir "$work"
buildah_() { buildah --root "$work/buildah" --runroot "$work/buildah-run" --storage-driver overlay "$@"; }
cleanup() {
  buildah_ rm --all >/dev/null 2>&1 || true
  buildah_ rmi --all --force >/dev/null 2>&1 || true
  umount -R "$work/buildah/overlay" 2>/dev/null || true
  dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll --root "$work/ours" system reset --force >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
dotnet build -c Release samples/Containers.Cli -v quiet -nologo >/dev/null
dotnet build -c Release bench/Containers.Benchmarks -v quiet -nologo >/dev/null
cli="dotnet samples/Containers.Cli/bin/Release/net10.0/containers.dll --root $work/ours"
inproc="dotnet bench/Containers.Benchmarks/bin/Release/net10.0/Containers.Benchmarks.dll build $work/ours"

# The same Debian image in both stores, already unpacked in both (a build's base is normally there).
$cli import "$debian" bench/debian:bookworm >/dev/null
$cli run --rm --network none bench/debian:bookworm true
$cli save --format oci-dir -o "$work/layout" bench/debian:bookworm >/dev/null
id=$(buildah_ pull --quiet "oci:$work/layout:docker.io/bench/debian:bookworm")
buildah_ tag "$id" docker.io/bench/debian:bookworm
buildah_ from --pull-never --name warm docker.io/bench/debian:bookworm >/dev/null && buildah_ rm warm >/dev/null

# The context: a small C-like source tree, a build stage, an assets stage, and a final stage copying from both.
ctx="$work/context"
mkdir -p "$ctx/src/lib"
for i in $(seq 1 200); do printf 'int f%d(void) { return %d; }\n' "$i" "$i" > "$ctx/src/lib/f$i.c"; done
printf 'int main(void) { return 0; }\n' > "$ctx/src/main.c"
head -c 5000000 /dev/urandom > "$ctx/src/data.bin"
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM bench/debian:bookworm AS build
WORKDIR /src
COPY src/ ./
RUN mkdir -p /out && find . -name '*.c' | sort | xargs sha256sum > /out/sums && tar -czf /out/src.tgz .

FROM bench/debian:bookworm AS assets
RUN mkdir -p /assets && seq 1 200000 > /assets/numbers && gzip -k /assets/numbers

FROM bench/debian:bookworm
RUN useradd -m app && mkdir -p /app
COPY --from=build /out/ /app/
COPY --from=assets /assets/ /app/assets/
COPY --chown=app src/main.c /app/main.c
USER app
WORKDIR /app
ENV APP_HOME=/app
CMD ["ls", "-l", "/app"]
DOCKERFILE

ms() { # command... -> elapsed milliseconds; the command's output goes to the log
  local start end
  start=$(date +%s%N); "$@" >>"$work/log" 2>&1 || { echo "failed: $*" >&2; tail -20 "$work/log" >&2; exit 1; }; end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
ours_cold()    { ms $cli build --no-cache --network none -t bench/app:cli "$ctx"; }
ours_build()   { ms $cli build --network none -t bench/app:cli "$ctx"; }
buildah_cold() { ms buildah_ bud --pull-never --layers --no-cache --network none -t bench/app:buildah "$ctx"; }
buildah_build(){ ms buildah_ bud --pull-never --layers --network none -t bench/app:buildah "$ctx"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(buildah --version); dotnet $(dotnet --version)"
echo "round load1 | ours_cold buildah_cold ratio | ours_edit buildah_edit ratio | ours_cached buildah_cached | inproc"
# A first build of each fills the caches the rounds then invalidate on purpose.
ours_build >/dev/null; buildah_build >/dev/null
for round in $(seq 1 "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  if (( round % 2 )); then oc=$(ours_cold); bc=$(buildah_cold); else bc=$(buildah_cold); oc=$(ours_cold); fi
  printf '/* edit %s */\n' "$round" >> "$ctx/src/main.c"
  if (( round % 2 )); then oe=$(ours_build); be=$(buildah_build); else be=$(buildah_build); oe=$(ours_build); fi
  if (( round % 2 )); then ok=$(ours_build); bk=$(buildah_build); else bk=$(buildah_build); ok=$(ours_build); fi
  ip=$($inproc 5 "$ctx" "$ctx/src/main.c" | tail -1)
  printf '%s %s | %s %s %s | %s %s %s | %s %s | %s\n' "$round" "$load" "$oc" "$bc" "$(echo "scale=2; $bc/$oc" | bc)" \
    "$oe" "$be" "$(echo "scale=2; $be/$oe" | bc)" "$ok" "$bk" "$ip"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
