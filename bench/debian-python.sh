#!/usr/bin/env bash
# samples/python the sealbuild way (lock, prep, image) against the apt way on the same machine and mirror:
# `apt-get download` of the same packages, then `dpkg-deb -x` of each and `tar --sort=name | gzip -6`.
# Prints a markdown table of wall times (best of 3; the prep and download rows start from an empty cache).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/sealbuild-bench-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/build" --version >/dev/null
cp -r "$root/samples/python" "$work/python"
rm -f "$work/python/build.lock.json"

best() {  # label, command: best wall time of 3 runs (each run may reset state via $RESET)
  local label=$1; shift
  local best=999999
  for _ in 1 2 3; do
    [[ -n ${RESET:-} ]] && eval "$RESET"
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }
    end=$(date +%s.%N)
    best=$(awk -v a="$best" -v b="$(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}')" 'BEGIN{print (b<a)?b:a}')
  done
  printf "| %-55s | %6.2f s |\n" "$label" "$best"
}

echo "| step | wall time |"
echo "|---|---|"
RESET="rm -f $work/python/build.lock.json" best "build lock samples/python (verify InRelease, resolve)" \
  "$root/build" lock "$work/python" --cache "$work/cache"
"$root/build" lock "$work/python" --cache "$work/cache" >/dev/null 2>&1
pkgs=$(python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(open(sys.argv[1]))["packages"]))' "$work/python/build.lock.json")
RESET="rm -rf $work/cache" best "build prep (18 .debs, 4 at a time, verified)" "$root/build" prep "$work/python" --cache "$work/cache"
RESET="" best "build image (offline, isolated)" "$root/build" image "$work/python" --cache "$work/cache" --output "oci:$work/out"
RESET="rm -rf $work/debs; mkdir -p $work/debs" best "apt-get download (same packages)" sh -c "cd $work/debs && apt-get download $pkgs"
best "dpkg-deb -x each + tar --sort=name | gzip -6" sh -c "rm -rf $work/root && mkdir $work/root && for d in $work/debs/*.deb; do dpkg-deb -x \$d $work/root; done && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C $work/root -c . | gzip -6 > $work/layer.tar.gz"
echo
echo "image layer: $(du -k "$work"/out/blobs/sha256/* | sort -n | tail -1 | cut -f1) KiB; tar|gzip of dpkg-deb -x: $(du -k "$work/layer.tar.gz" | cut -f1) KiB"
