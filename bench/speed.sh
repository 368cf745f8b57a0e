#!/usr/bin/env bash
# Issue #11's table, side by side in one run: each sealbuild command next to the tool a user would otherwise
# pick, median of N runs (default 5), wall time and peak RSS (the largest resident set of any process, GNU time),
# and the ratio. Needs: the machine's apt configured with a Debian mirror (for prep and lock), buildah, pigz.
# Usage: bench/speed.sh [-n RUNS] [--quick]   (--quick: 3 runs, 256 MiB instead of 1 GiB for the memory rows)
# Prints a markdown report on stdout; progress on stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5 big_mb=1024
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --quick) runs=3 big_mb=256; shift ;;
    *) echo "usage: bench/speed.sh [-n RUNS] [--quick]" >&2; exit 2 ;;
  esac
done
for tool in buildah pigz apt-get dpkg-deb python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "speed.sh: $tool is needed (apt-get install buildah pigz time)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/sealbuild-speed.XXXXXX)
trap 'rm -rf "$work"' EXIT
build="$root/build"
"$build" --version >/dev/null   # builds the jar (and any start-up archive) once, outside the timings
"$build" --version >/dev/null

# measure LABEL RESET COMMAND...: runs COMMAND $runs times, RESET (shell text, may be empty) before each run,
# and stores the median wall time and the peak RSS of the median run in RESULT_WALL / RESULT_RSS (MB).
declare -A WALL RSS
measure() {
  local label=$1 reset=$2; shift 2
  local rows=()
  for ((i = 0; i < runs; i++)); do
    [[ -n $reset ]] && eval "$reset"
    if ! /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
      echo "speed.sh: failed: $*" >&2; tail -5 "$work/err" >&2; exit 1
    fi
    rows+=("$(cat "$work/time")")
  done
  local median
  median=$(printf '%s\n' "${rows[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  WALL[$label]=${median% *}
  RSS[$label]=$(( ${median#* } / 1024 ))
  echo "  $label: ${WALL[$label]} s, ${RSS[$label]} MB" >&2
}
ratio() { awk -v a="${WALL[$1]}" -v b="${WALL[$2]}" 'BEGIN{ if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
row() {  # what, sealbuild label, anchor text, anchor label, target text
  printf '| %s | %.2f s, %d MB | %s: %.2f s | %s | %s |\n' "$1" "${WALL[$2]}" "${RSS[$2]}" "$3" "${WALL[$4]}" "$(ratio "$2" "$4")" "$5"
}

# --- samples/python: a private copy of the project and of a prepared cache -------------------------------------------
cp -r "$root/samples/python" "$work/python"
rm -rf "$work/python/out"
cache="$work/cache"
echo "preparing samples/python's cache once..." >&2
"$build" prep "$work/python" --cache "$cache" >/dev/null 2>&1
pkgs=$(python3 -c 'import json,sys; print(" ".join(p["name"] + "=" + p["version"] for p in json.load(open(sys.argv[1]))["packages"]))' \
  "$work/python/build.lock.json")
npkgs=$(wc -w <<<"$pkgs")
# Everything the layer cache or any other derived cache keeps: only blobs/ is the verified input.
cold="find '$cache' -mindepth 1 -maxdepth 1 ! -name blobs -exec rm -rf {} +; rm -rf '$work/img'"

echo "build image samples/python..." >&2
measure image-cold "$cold" "$build" image "$work/python" --cache "$cache" --output "oci-archive:$work/img/python.tar"
measure image-cold-plain "$cold" "$build" image "$work/python" --cache "$cache" --no-attach --network-isolation=off \
  --output "oci-archive:$work/img/python.tar"
"$build" image "$work/python" --cache "$cache" --output "oci-archive:$work/img/python.tar" >/dev/null 2>&1
measure image-noop "" "$build" image "$work/python" --cache "$cache" --output "oci-archive:$work/img/python.tar"
# What a no-op costs where no image record applies (a Dockerfile, a signed provenance): the layer cache alone.
measure image-noop-layers "rm -rf '$cache/layers/images'" "$build" image "$work/python" --cache "$cache" \
  --output "oci-archive:$work/img/python.tar"

# The same root filesystem, unpacked from the image sealbuild built, for the anchors.
mkdir -p "$work/rootfs" "$work/oci"
tar -xf "$work/img/python.tar" -C "$work/oci"
python3 - "$work/oci" "$work/rootfs" <<'PY'
import json, subprocess, sys
oci, dest = sys.argv[1], sys.argv[2]
index = json.load(open(f"{oci}/index.json"))
manifest = json.load(open(f"{oci}/blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]))
for layer in manifest["layers"]:
    subprocess.run(["tar", "-xzf", f"{oci}/blobs/sha256/" + layer["digest"].split(":")[1], "-C", dest], check=True)
PY
rootfs_mb=$(du -sm "$work/rootfs" | cut -f1)
printf 'FROM scratch\nCOPY rootfs/ /\n' >"$work/Containerfile"
echo "anchors..." >&2
measure buildah "rm -rf '$work/bah' '$work/bah.tar'" buildah --root "$work/bah/root" --runroot "$work/bah/run" --storage-driver vfs \
  bud --network=none --timestamp 0 -f "$work/Containerfile" -t "oci-archive:$work/bah.tar:latest" "$work"
tar_to() { echo "tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C '$1' -c . | $2 -6 | sha256sum"; }
measure tar-pigz "" sh -c "$(tar_to "$work/rootfs" pigz)"
measure tar-gzip "" sh -c "$(tar_to "$work/rootfs" gzip)"

# --- prep against apt-get download -----------------------------------------------------------------------------------
echo "prep..." >&2
measure prep "rm -rf '$work/cache2'" "$build" prep "$work/python" --cache "$work/cache2"
measure apt-download "rm -rf '$work/debs'; mkdir -p '$work/debs'" sh -c "cd '$work/debs' && apt-get download $pkgs"
# The same layer the shell way from the same .debs: unpack each (two at a time), then tar | pigz -6 | sha256sum.
cat >"$work/dpkg-way.sh" <<SCRIPT
#!/bin/sh
set -e
d=\$(mktemp -d '$work/unpacked.XXXXXX')
ls '$work'/debs/*.deb | xargs -P 2 -I '{}' dpkg-deb -x '{}' "\$d"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "\$d" -c . | pigz -6 | sha256sum >/dev/null
rm -rf "\$d"
SCRIPT
measure dpkg-pigz "" sh "$work/dpkg-way.sh"

# --- lock of python3 against apt-get -s install ----------------------------------------------------------------------
echo "lock..." >&2
mkdir -p "$work/py3"
sed -n '/^repositories:/,/^[a-z]/p' "$work/python/build.yaml" | sed '$d' >"$work/repos.yaml"
{ echo "name: py3"; cat "$work/repos.yaml"; echo "packages: [python3]"; } >"$work/py3/build.yaml"
measure lock-cold "find '$work/lockcache' -mindepth 1 -delete 2>/dev/null || true" \
  "$build" lock "$work/py3" --dry-run --cache "$work/lockcache"
# apt-get -s reads lists apt-get update fetched before; the same for sealbuild: the indexes it keeps in its cache
measure lock-dry-warm "" "$build" lock "$work/py3" --dry-run --cache "$work/lockcache"
"$build" lock "$work/py3" --cache "$work/lockcache" >/dev/null 2>&1
measure lock-warm "" "$build" lock "$work/py3" --cache "$work/lockcache"
: >"$work/empty-status"
measure apt-sim "" apt-get -s -o Dir::State::status="$work/empty-status" -o APT::Install-Recommends=false install python3

# --- memory on a large copy: tree --------------------------------------------------------------------------------------
gen_tree() {  # $1 = dir, $2 = MB: a third random bytes, two thirds compressible text, files of 4 KiB..1 MiB
  python3 "$root/bench/gen-tree.py" "$1" "$2"
}
echo "copy trees..." >&2
for mb in 100 "$big_mb"; do
  proj="$work/copy$mb"
  mkdir -p "$proj/tree"
  gen_tree "$proj/tree" "$mb"
  printf 'name: bench\ncopy: [{src: tree, dest: /data}]\n' >"$proj/build.yaml"
  "$build" lock "$proj" >/dev/null 2>&1
  measure "copy-$mb" "$cold; rm -rf '$work/copyout'" "$build" image "$proj" --cache "$cache" --output "oci:$work/copyout"
  measure "copy-$mb-pigz" "" sh -c "$(tar_to "$proj/tree" pigz)"
  measure "copy-$mb-gzip" "" sh -c "$(tar_to "$proj/tree" gzip)"
  rm -rf "$proj" "$work/copyout"
done

# --- report -------------------------------------------------------------------------------------------------------------
cat <<EOF
Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"),
$(java -version 2>&1 | head -1); median of $runs runs; peak RSS of the median run. samples/python: $npkgs Debian
packages, a ${rootfs_mb} MB root filesystem.

| work | sealbuild | anchor | ratio | target |
|---|---|---|---|---|
EOF
row "\`build image samples/python\`, cold layer cache (isolated, SBOM + provenance attached)" image-cold "\`buildah bud\` FROM scratch + COPY, fresh storage, oci-archive" buildah "faster than buildah"
row "the same" image-cold "\`tar --sort=name \\| pigz -6 \\| sha256sum\` of that tree" tar-pigz "<= 1.3x"
row "the same" image-cold "\`dpkg-deb -x\` of the same .debs (two at a time), then tar \\| pigz -6 \\| sha256sum" dpkg-pigz "-"
row "\`--no-attach --network-isolation=off\`, cold layer cache" image-cold-plain "tar \\| pigz -6 \\| sha256sum" tar-pigz "-"
row "the same" image-cold-plain "\`tar \\| gzip -6 \\| sha256sum\`" tar-gzip "-"
row "\`build image samples/python\` again, nothing changed" image-noop "tar \\| pigz -6 \\| sha256sum" tar-pigz "<= 0.5 s wall"
row "the same, without its image record (the layer cache alone: a Dockerfile or a signed build)" image-noop-layers "tar \\| pigz -6 \\| sha256sum" tar-pigz "-"
row "\`build prep samples/python\` ($npkgs .debs), empty cache" prep "\`apt-get download\` of the same packages, same mirror" apt-download "<= 1.0x"
row "\`build lock --dry-run\` of python3, nothing cached" lock-cold "\`apt-get -s install python3\`, lists local" apt-sim "<= 2x, <= 300 MB"
row "\`build lock --dry-run\` of python3, indexes cached (as apt's lists are)" lock-dry-warm "\`apt-get -s install python3\`, lists local" apt-sim "<= 2x, <= 300 MB"
row "\`build lock\` of python3 again, spec unchanged" lock-warm "\`apt-get -s install python3\`" apt-sim "<= 1 s"
row "\`build image\` of a 100 MiB \`copy:\` tree" copy-100 "tar \\| pigz -6 \\| sha256sum" copy-100-pigz "-"
row "the same" copy-100 "tar \\| gzip -6 \\| sha256sum" copy-100-gzip "-"
row "\`build image\` of a $big_mb MiB \`copy:\` tree" "copy-$big_mb" "tar \\| pigz -6 \\| sha256sum" "copy-$big_mb-pigz" "<= 300 MB, <= 1.5x the 100 MiB RSS"
row "the same" "copy-$big_mb" "tar \\| gzip -6 \\| sha256sum" "copy-$big_mb-gzip" "-"
awk -v a="${RSS[copy-$big_mb]}" -v b="${RSS[copy-100]}" 'BEGIN{printf "\nPeak RSS, %s MiB tree against 100 MiB: %.2fx\n", "'"$big_mb"'", a / b}'
