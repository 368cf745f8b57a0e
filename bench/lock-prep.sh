#!/usr/bin/env bash
# Lock and prep against apt on the same machine and mirror, side by side in one run (median of 3):
#   build lock --dry-run of `packages: [python3]` with an empty cache (cold) and again (warm: index cache filled),
#   apt-get -s install python3 (lists local: run apt-get update first);
#   build prep samples/python from an empty cache, apt-get download of the same packages into an empty directory.
# Prints wall time and peak RSS (GNU time), and the ratios. Needs /usr/bin/time, apt-get and python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/sealbuild-bench-lock.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/build" --version >/dev/null
cat > "$work/build.yaml" <<'SPEC'
name: py3
repositories:
  - name: debian
    type: debian
    suite: bookworm
    components: [main]
packages: [python3]
SPEC
pkgs=$(python3 -c "import json,sys;print(' '.join(p['name']+'='+p['version'] for p in json.load(open(sys.argv[1]))['packages']))" \
  "$root/samples/python/build.lock.json")

run() {  # label, command...: appends "wall rss" to $work/<label>
  local label=$1; shift
  /usr/bin/time -o "$work/t" -f '%e %M' "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  cat "$work/t" >> "$work/times-$label"
}

for _ in 1 2 3; do
  rm -rf "$work/cache"
  run lock-cold "$root/build" lock --dry-run --cache "$work/cache" "$work/build.yaml"
  run lock-warm "$root/build" lock --dry-run --cache "$work/cache" "$work/build.yaml"
  run apt-s apt-get -s install python3
  rm -rf "$work/prep" "$work/dl" && mkdir -p "$work/prep" "$work/dl"
  cp "$root"/samples/python/{build.yaml,build.lock.json,app.py} "$work/prep/"
  run prep "$root/build" prep --cache "$work/prep/cache" "$work/prep"
  (cd "$work/dl" && run apt-download apt-get download $pkgs)
done

median() { sort -n -k"$2" "$work/times-$1" | sed -n 2p | cut -d' ' -f"$2"; }
row() { printf "| %-44s | %6.2f s | %7d KB |\n" "$2" "$(median "$1" 1)" "$(median "$1" 2)"; }
echo "| work | wall (median of 3) | peak RSS (median) |"
echo "|---|---|---|"
row lock-cold "build lock --dry-run python3, empty cache"
row lock-warm "same again (index cache warm)"
row apt-s "apt-get -s install python3"
row prep "build prep samples/python, empty cache"
row apt-download "apt-get download of the same packages"
awk -v a="$(median lock-cold 1)" -v b="$(median lock-warm 1)" -v c="$(median apt-s 1)" \
    -v d="$(median prep 1)" -v e="$(median apt-download 1)" \
  'BEGIN { printf "lock cold / apt-get -s: %.2fx; lock warm / apt-get -s: %.2fx; prep / apt-get download: %.2fx\n", a/c, b/c, d/e }'
