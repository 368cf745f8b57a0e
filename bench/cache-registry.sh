#!/usr/bin/env bash
# Issue #14's scale benchmark: `build prep samples/python` into an empty cache from the Debian mirror, from a registry
# cache (Debian's docker-registry on loopback, `--from … --offline-upstream`), and `apt-get download` of the same
# packages from the same mirror, side by side in one run (median of RUNS, alternating). Also prints what `cache push`
# sent the first time and the second. Needs docker-registry, curl, python3, apt-get and /usr/bin/time.
#
#   bench/cache-registry.sh [RUNS]     (default 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "cache-registry.sh: RUNS must be a whole number, not '$runs'" >&2; exit 2; }
for tool in docker-registry curl python3 apt-get /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "cache-registry.sh: $tool is needed" >&2; exit 1; }
done
work=$(mktemp -d /tmp/sealbuild-bench-cache.XXXXXX)
rpid=""
cleanup() {
  [[ -n $rpid ]] && kill "$rpid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
build="$root/build"
"$build" --version >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg="127.0.0.1:$port"
mkdir -p "$work/reg"
printf 'version: 0.1\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s}\n' "$work/reg/data" "$reg" \
  >"$work/reg/config.yml"
docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 & rpid=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "http://$reg/v2/" 2>/dev/null && break; sleep 0.1; done
repo="docker://$reg/sealbuild/cache"

mkdir -p "$work/project"
cp "$root"/samples/python/{build.yaml,build.lock.json,app.py} "$work/project/"
pkgs=$(python3 -c "import json,sys;print(' '.join(p['name']+'='+p['version'] for p in json.load(open(sys.argv[1]))['packages']))" \
  "$work/project/build.lock.json")

echo "seeding: prep from the mirror, then cache push (twice)" >&2
"$build" prep --cache "$work/seed" "$work/project" >/dev/null 2>&1
first=$("$build" cache push --cache "$work/seed" --to "$repo" "$work/project" 2>&1 >/dev/null | grep '^pushed .*blobs uploaded')
second=$("$build" cache push --cache "$work/seed" --to "$repo" "$work/project" 2>&1 >/dev/null | grep '^pushed .*blobs uploaded')

run() {  # label, command...: appends "wall rss" to $work/times-<label>
  local label=$1; shift
  /usr/bin/time -o "$work/t" -f '%e %M' "$@" >/dev/null 2>"$work/err" || { echo "failed: $*" >&2; cat "$work/err" >&2; exit 1; }
  cat "$work/t" >> "$work/times-$label"
}

for i in $(seq "$runs"); do
  echo "run $i of $runs" >&2
  rm -rf "$work/m" "$work/r" "$work/dl" && mkdir -p "$work/dl"
  run mirror "$build" prep --cache "$work/m" "$work/project"
  run registry "$build" prep --cache "$work/r" --from "$repo" --offline-upstream "$work/project"
  (cd "$work/dl" && run apt apt-get download $pkgs)
  run cached "$build" prep --cache "$work/m" "$work/project"
  if ! diff -r "$work/m/blobs" "$work/r/blobs" >/dev/null; then
    echo "the mirror and the registry left different caches" >&2
    exit 1
  fi
done

median() { sort -n -k"$2" "$work/times-$1" | sed -n "$(( (runs + 1) / 2 ))p" | cut -d' ' -f"$2"; }
row() { printf "| %-62s | %6.2f s | %7d KB |\n" "$2" "$(median "$1" 1)" "$(median "$1" 2)"; }
echo "machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(date -u +%Y-%m-%d)"
echo
echo "| work | wall (median of $runs) | peak RSS (median) |"
echo "|---|---|---|"
row mirror "build prep samples/python, empty cache, from the Debian mirror"
row registry "the same from the registry cache (--from, --offline-upstream)"
row apt "apt-get download of the same packages, same mirror"
row cached "build prep again, everything cached"
echo
awk -v m="$(median mirror 1)" -v r="$(median registry 1)" -v a="$(median apt 1)" -v c="$(median cached 1)" \
  'BEGIN { printf "registry / mirror: %.2fx; mirror / apt-get download: %.2fx; registry / apt-get download: %.2fx; cached: %.2f s\n", r/m, m/a, r/a, c }'
echo "first cache push: ${first#pushed }"
echo "second cache push: ${second#pushed }"
