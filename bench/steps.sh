#!/usr/bin/env bash
# Issue #12's benchmark: samples/hello-c (a C program compiled by gcc in a build stage, copied into a libc6 image)
# built by sealbuild, side by side with `buildah bud --network=none` of the equivalent two-stage Containerfile: cold,
# with nothing changed, and with a comment added to hello.c. buildah's base images are sealbuild's own: two images
# without steps built from the same lock (the build stage's packages, the final image's packages), exported as
# oci-archive and loaded into a private buildah storage before any timing. Runs alternate between the two tools;
# median of N (default 5), wall time, CPU time and peak RSS (the largest resident set of any process, GNU time), and
# the ratios. Also checks that both images run and that every sealbuild build has the same digest.
# Needs: the machine's apt configured with a Debian mirror (lock and prep of the base specs), buildah, podman, runc.
# Usage: bench/steps.sh [-n RUNS]      env: STORAGE_DRIVER (buildah/podman storage driver, default overlay)
# Prints a markdown report on stdout; progress on stderr. Nothing outside its temporary directory is written.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
while [[ $# -gt 0 ]]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    *) echo "usage: bench/steps.sh [-n RUNS]" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "steps.sh: -n takes a positive number, not '$runs'" >&2; exit 2; }
for tool in buildah podman runc python3; do
  command -v "$tool" >/dev/null || { echo "steps.sh: $tool is needed (apt-get install buildah podman runc)" >&2; exit 1; }
done
driver=${STORAGE_DRIVER:-overlay}
work=$(mktemp -d /tmp/sealbuild-steps.XXXXXX)
cleanup() {
  # Containers left by an interrupted bud or run are removed through their own storage before the directory goes.
  [[ -d $work/bah ]] && bah rm --all >/dev/null 2>&1 || true
  [[ -d $work/pod ]] && pod rm --all --force >/dev/null 2>&1 || true
  grep -o " $work/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
build="$root/build"
bah_cmd=(buildah --root "$work/bah/root" --runroot "$work/bah/run" --storage-driver "$driver")
bah() { "${bah_cmd[@]}" "$@"; }
pod() {
  podman --root "$work/pod/root" --runroot "$work/pod/run" --tmpdir "$work/pod/tmp" --storage-driver "$driver" \
    --events-backend none "$@"
}
log() { echo "$*" >&2; }
quiet() {  # runs a setup command, showing its output only when it fails
  if ! "$@" >"$work/setup.log" 2>&1; then echo "steps.sh: failed: $*" >&2; tail -20 "$work/setup.log" >&2; exit 1; fi
}
"$build" --version >/dev/null   # builds the jar (and any start-up archive) once, outside the timings
"$build" --version >/dev/null

# --- GNU time when installed (wall and peak RSS); else bash's time (wall only) -----------------------------------------
if [[ -x /usr/bin/time ]]; then have_rss=1; else have_rss=0; log "no /usr/bin/time: RSS is not measured"; fi
# sample LABEL COMMAND...: one timed run; appends "wall cpu rss_kb" to SAMPLES[LABEL] (cpu: user + sys of the
# command and every child it waited for); stdout of the run in $work/out.
declare -A SAMPLES
sample() {
  local label=$1; shift
  local t
  if ((have_rss)); then
    if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
      echo "steps.sh: failed: $*" >&2; tail -20 "$work/err" >&2; exit 1
    fi
    t=$(awk '{printf "%s %.2f %s", $1, $2 + $3, $4}' "$work/time")
  else
    local TIMEFORMAT='%R %U %S'
    if ! { time "$@" >"$work/out" 2>"$work/err"; } 2>"$work/time"; then
      echo "steps.sh: failed: $*" >&2; tail -20 "$work/err" >&2; exit 1
    fi
    t=$(tail -1 "$work/time" | awk '{printf "%s %.2f 0", $1, $2 + $3}')
  fi
  SAMPLES[$label]+="$t"$'\n'
  log "  $label: ${t%% *} s"
}
declare -A WALL CPU RSS
median() {  # LABEL: the median wall time and its run's peak RSS; the median CPU time on its own
  local mid=$(((runs + 1) / 2)) m
  m=$(printf '%s' "${SAMPLES[$1]}" | sort -n | sed -n "${mid}p")
  WALL[$1]=${m%% *}
  RSS[$1]=$(( ${m##* } / 1024 ))
  CPU[$1]=$(printf '%s' "${SAMPLES[$1]}" | awk '{print $2}' | sort -n | sed -n "${mid}p")
}
cell() {
  printf '%.2f s (CPU %.2f s)' "${WALL[$1]}" "${CPU[$1]}"
  ((have_rss)) && printf ', %d MB' "${RSS[$1]}" || true
}
ratio() {  # A B: wall and CPU ratios
  awk -v a="${WALL[$1]}" -v b="${WALL[$2]}" -v c="${CPU[$1]}" -v d="${CPU[$2]}" \
    'BEGIN{ printf "%s | %s", (b > 0 ? sprintf("%.2fx", a / b) : "-"), (d > 0 ? sprintf("%.2fx", c / d) : "-") }'
}
index_digest() {  # the manifest digest an oci-archive's index.json names
  python3 -c 'import json, sys, tarfile; print(json.load(tarfile.open(sys.argv[1]).extractfile("index.json"))["manifests"][0]["digest"])' "$1"
}

# --- a private copy of samples/hello-c and one prepared vendor cache --------------------------------------------------
cp -r "$root/samples/hello-c" "$work/hello"
rm -rf "$work/hello/out"
cache="$work/cache"

# Two specs without steps, pinned to the same packages as the sample: the build stage's and the final image's.
# The repositories block is copied as it is (no URL: the Debian mirror of this host's apt sources).
sed -n '/^repositories:/,/^[a-z]/p' "$work/hello/build.yaml" | sed '$d' >"$work/repos.yaml"
stage_pkgs=$(awk '/^stages:/{s=1} s && /^    packages:/{sub(/ *#.*/, ""); sub(/^ *packages: */, ""); sub(/ +$/, ""); print; exit}' "$work/hello/build.yaml")
image_pkgs=$(sed -n 's/^packages: *\([^#]*\).*/\1/p' "$work/hello/build.yaml" | sed 's/ *$//')
for base in build-base:"$stage_pkgs" final-base:"$image_pkgs"; do
  name=${base%%:*}
  mkdir -p "$work/$name"
  { echo "name: $name"; cat "$work/repos.yaml"; echo "packages: ${base#*:}"; } >"$work/$name/build.yaml"
  log "locking $name: ${base#*:}"
  quiet "$build" lock "$work/$name" --cache "$cache"
done
# The bases must hold exactly what the sample's stage and image hold, or the comparison is not of the same work.
python3 - "$work/hello/build.lock.json" "$work/build-base/build.lock.json" "$work/final-base/build.lock.json" <<'PY'
import json, sys
pins = lambda d: sorted((p["name"], p["version"], p["sha256"]) for p in d["packages"])
sample, stage, final = (json.load(open(f)) for f in sys.argv[1:])
for what, got, want in (("build-base", stage, sample["stages"]["build"]), ("final-base", final, sample)):
    if pins(got) != pins(want):
        sys.exit(f"steps.sh: {what} does not pin the same packages as samples/hello-c's lock; re-lock the sample")
PY
log "preparing the vendor cache once..."
for p in hello build-base final-base; do quiet "$build" prep "$work/$p" --cache "$cache"; done
for p in build-base final-base; do
  quiet "$build" image "$work/$p" --cache "$cache" --no-attach --output "oci-archive:$work/$p.tar:latest"
done
npkgs_stage=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["stages"]["build"]["packages"]))' "$work/hello/build.lock.json")
npkgs_image=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$work/hello/build.lock.json")

# --- buildah: the bases loaded into a private storage, the equivalent Containerfile ----------------------------------
log "loading the bases into buildah's storage ($driver)..."
mkdir -p "$work/bah" "$work/pod/tmp"
for p in build-base final-base; do
  id=$(bah pull -q "oci-archive:$work/$p.tar:latest")
  bah tag "$id" "localhost/sealbuild-bench-$p" >/dev/null
done
bah untag localhost/latest:latest >/dev/null 2>&1 || true
base_mb=$(bah images --format '{{.Size}}' localhost/sealbuild-bench-build-base)
mkdir -p "$work/ctx"
cp "$work/hello/hello.c" "$work/ctx/"
containerfile() {  # BUILD-FROM FINAL-FROM
  cat <<EOF
FROM $1 AS build
COPY hello.c /src/hello.c
RUN gcc -O2 -Wall -o /src/hello /src/hello.c
FROM $2
COPY --from=build /src/hello /usr/local/bin/hello
ENTRYPOINT ["/usr/local/bin/hello"]
EOF
}
containerfile localhost/sealbuild-bench-build-base localhost/sealbuild-bench-final-base >"$work/ctx/Containerfile"
containerfile "oci-archive:$work/build-base.tar:latest" "oci-archive:$work/final-base.tar:latest" >"$work/ctx/Containerfile.archives"
bud=(bud --runtime runc --network=none --timestamp 0 --pull=never)

# Derived caches (layers, facts) go; the verified blobs stay: cold means every layer built and every step run.
seal_reset() { find "$cache" -mindepth 1 -maxdepth 1 ! -name blobs -exec rm -rf {} +; rm -f "$work/seal.tar"; }
seal_image=("$build" image "$work/hello" --cache "$cache" --output "oci-archive:$work/seal.tar:latest")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- (a) cold ---------------------------------------------------------------------------------------------------------
log "cold, $runs runs each, alternating..."
seal_digests=() bah_digests=()
for ((i = 0; i < runs; i++)); do
  seal_reset
  sample seal-cold "${seal_image[@]}" --no-layer-cache
  seal_digests+=("$(tail -1 "$work/out")")
  cp "$work/seal.tar" "$work/seal-cold.tar"
  rm -f "$work/bah.tar"
  sample bah-cold "${bah_cmd[@]}" "${bud[@]}" --layers=false -f "$work/ctx/Containerfile" -t "oci-archive:$work/bah.tar:latest" "$work/ctx"
  bah_digests+=("$(index_digest "$work/bah.tar")")
  cp "$work/bah.tar" "$work/bah-cold.tar"
  # The same build with the bases read from their archives into an empty storage (what a cold CI runner does).
  rm -rf "$work/bah2" "$work/bah2.tar"
  sample bah-cold-load buildah --root "$work/bah2/root" --runroot "$work/bah2/run" --storage-driver "$driver" \
    "${bud[@]}" --layers=false -f "$work/ctx/Containerfile.archives" -t "oci-archive:$work/bah2.tar:latest" "$work/ctx"
done
buildah --root "$work/bah2/root" --runroot "$work/bah2/run" --storage-driver "$driver" rm --all >/dev/null 2>&1 || true
rm -rf "$work/bah2"

# --- (b) nothing changed ------------------------------------------------------------------------------------------------
log "nothing changed, $runs runs each, alternating (caches filled by one run first)..."
seal_reset
quiet "${seal_image[@]}"
seal_noop_digests=("$(tail -1 "$work/setup.log")")
quiet bah "${bud[@]}" --layers -f "$work/ctx/Containerfile" -t "oci-archive:$work/bah.tar:latest" "$work/ctx"
for ((i = 0; i < runs; i++)); do
  sample seal-noop "${seal_image[@]}"
  seal_noop_digests+=("$(tail -1 "$work/out")")
  sample bah-noop "${bah_cmd[@]}" "${bud[@]}" --layers -f "$work/ctx/Containerfile" -t "oci-archive:$work/bah.tar:latest" "$work/ctx"
done

# --- (c) one source file changed: a comment appended to hello.c before each run, so the binary stays the same ------
log "hello.c changed before each run, $runs runs each, alternating..."
seal_edit_digests=()
for ((i = 0; i < runs; i++)); do
  printf '/* edit %d */\n' "$i" >>"$work/hello/hello.c"
  cp "$work/hello/hello.c" "$work/ctx/hello.c"
  sample seal-edit "${seal_image[@]}"
  seal_edit_digests+=("$(tail -1 "$work/out")")
  sample bah-edit "${bah_cmd[@]}" "${bud[@]}" --layers -f "$work/ctx/Containerfile" -t "oci-archive:$work/bah.tar:latest" "$work/ctx"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for l in seal-cold bah-cold bah-cold-load seal-noop bah-noop seal-edit bah-edit; do median "$l"; done

# --- checks: both images run, sealbuild's cold builds agree -------------------------------------------------------------
log "checking the images..."
run_image() {
  pod run --rm --network=none --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 "oci-archive:$1:latest" 2>"$work/run.err" \
    || { echo "steps.sh: $1 does not run:" >&2; tail -5 "$work/run.err" >&2; echo "(does not run)"; }
}
seal_says=$(run_image "$work/seal-cold.tar")
bah_says=$(run_image "$work/bah-cold.tar")
pod rm --all --force >/dev/null 2>&1 || true
same() { [[ $(printf '%s\n' "$@" | sort -u | wc -l) -eq 1 ]] && echo "all the same" || echo "**differ**: $(printf '%s\n' "$@" | sort | uniq -c | tr -s ' \n' ' ')"; }
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN{printf "%.1f MB", b / 1e6}'; }

# --- report -------------------------------------------------------------------------------------------------------------
cat <<EOF
Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"),
$(java -version 2>&1 | head -1), $(buildah --version), runc $(runc --version | sed -n 's/^runc version //p'), storage driver $driver;
median of $runs runs, the two tools alternating; peak RSS of the median run; CPU: user + sys of the whole process tree. Load average (1, 5, 15 min) before the
timed runs: $load_before; after: $load_after.
samples/hello-c: a build stage of $npkgs_stage Debian packages (gcc, libc6-dev, dash; the base image loaded into buildah: $base_mb),
a final image of $npkgs_image packages (libc6) and the compiled binary.

| work | sealbuild | buildah bud --network=none | wall ratio | CPU ratio |
|---|---|---|---|---|
| cold: \`build image --no-layer-cache\` (derived caches emptied, packages in the vendor cache) against \`bud --layers=false\` (bases loaded) | $(cell seal-cold) | $(cell bah-cold) | $(ratio seal-cold bah-cold) |
| the same sealbuild build against \`bud --layers=false\` with \`FROM oci-archive:\` of the bases, empty storage | $(cell seal-cold) | $(cell bah-cold-load) | $(ratio seal-cold bah-cold-load) |
| nothing changed: \`build image\` again (layer cache warm) against \`bud --layers\` again (cache warm) | $(cell seal-noop) | $(cell bah-noop) | $(ratio seal-noop bah-noop) |
| hello.c changed (a comment appended), caches warm: \`build image\` against \`bud --layers\` | $(cell seal-edit) | $(cell bah-edit) | $(ratio seal-edit bah-edit) |

- sealbuild's cold digests ($runs builds): $(same "${seal_digests[@]}") (\`${seal_digests[0]}\`); the
  $((runs + 1)) warm rebuilds: $(same "${seal_digests[0]}" "${seal_noop_digests[@]}" | sed 's/all the same/the same as cold/').
- sealbuild's digests after each change to hello.c (a comment: the same binary): $(same "${seal_digests[0]}" "${seal_edit_digests[@]}" | sed 's/all the same/the same as cold/').
- buildah's cold digests (\`--timestamp 0\`, $runs builds): $(same "${bah_digests[@]}") (\`${bah_digests[0]}\`).
- Output archives: sealbuild $(size_mb "$work/seal-cold.tar") (gzip layer, SBOM and provenance attached), buildah
  $(size_mb "$work/bah-cold.tar") (uncompressed layers).
- \`podman run --network=none\` of sealbuild's image: "$seal_says"; of buildah's: "$bah_says".
EOF
