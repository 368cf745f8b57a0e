#!/usr/bin/env bash
# Times `build image` on a generated copy: tree against `tar --sort=name -c | gzip -6 | sha256sum` of the
# same tree, and records wall time and peak memory (max RSS). Usage: bench/image-vs-tar.sh [MB...]
# Default sizes: 100 and 200 MB, to show that memory stays flat as the tree grows.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=("${@:-100 200}")
[[ $# -eq 0 ]] && sizes=(100 200)
work=$(mktemp -d /tmp/sealbuild-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/build" --version >/dev/null   # builds the jar once, outside the timings

gen_tree() {  # $1 = dir, $2 = MB: about 1/3 random bytes, 2/3 compressible text, in files of 4 KiB..1 MiB
  python3 "$root/bench/gen-tree.py" "$1" "$2"
}

measure() {  # label, command...: prints label, wall seconds, max RSS in MB (best of 3 by wall time)
  local label=$1; shift
  local best_wall=999999 best_rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall rss <"$work/time"
    if awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; best_rss=$rss; fi
  done
  printf "| %-48s | %7.2f s | %7d MB |\n" "$label" "$best_wall" $((best_rss / 1024))
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "| what | wall time | peak memory |"
echo "|---|---|---|"
for mb in "${sizes[@]}"; do
  proj="$work/p$mb"
  mkdir -p "$proj/tree"
  gen_tree "$proj/tree" "$mb" >&2
  printf 'name: bench\ncopy: [{src: tree, dest: /data}]\n' >"$proj/build.yaml"
  "$root/build" lock "$proj" 2>/dev/null
  measure "build image, ${mb} MB copy: tree" "$root/build" image "$proj" --cache "$work/cache" --output "oci:$work/out$mb"
  measure "build image --network-isolation=off, ${mb} MB" "$root/build" image "$proj" --network-isolation=off --cache "$work/cache" --output "oci:$work/out$mb"
  measure "tar --sort=name | gzip -6 | sha256sum, ${mb} MB" \
    sh -c "tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C '$proj/tree' -c . | gzip -6 | sha256sum"
  rm -rf "$proj" "$work/out$mb"
done
