#!/usr/bin/env bash
# Issue #13's corpus benchmark: every case in bench/dockerfiles (a Dockerfile in the style of an official image or a
# popular project, with the small files it copies) through `build import`, then the cases that convert and whose
# bases are in the test registry through `build lock`, `prep` and `image`.
#
# The test registry is Debian's docker-registry on 127.0.0.1 (a free port) holding the Alpine minirootfs as
# alpine:3.20 and, when mmdebstrap is installed, a bookworm minbase made from the host's apt mirror as
# debian:bookworm and debian:bookworm-slim. Each case is built from a temporary copy whose FROM/ARG/COPY --from image
# names point at that registry. Nothing outside the temporary directory is written (except --debian-tar FILE).
#
# Usage: bench/dockerfile-corpus.sh [--no-build] [--debian-tar FILE] [--case NAME]...
#   --no-build         only `build import` (no registry, no base images)
#   --debian-tar FILE  reuse (or create) the mmdebstrap tarball at FILE rather than making one in the temp directory
#   --case NAME        only this case (repeatable)
# env: SEALBUILD  the launcher to run (default: this checkout's ./build)
# Prints a markdown table and the two shares on stdout; progress on stderr. Exits 1 when a case's import outcome
# differs from its `expected` file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$root/bench/dockerfiles"
build=${SEALBUILD:-$root/build}
do_build=1
debian_tar=""
only=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-build) do_build=0; shift ;;
    --debian-tar) debian_tar=$2; shift 2 ;;
    --case) only+=("$2"); shift 2 ;;
    *) echo "usage: bench/dockerfile-corpus.sh [--no-build] [--debian-tar FILE] [--case NAME]..." >&2; exit 2 ;;
  esac
done
log() { echo "$*" >&2; }
work=$(mktemp -d /tmp/sealbuild-corpus.XXXXXX)
rpid=""
cleanup() {
  [[ -n $rpid ]] && kill "$rpid" 2>/dev/null || true
  [[ -d $work/bah ]] && buildah --root "$work/bah/root" --runroot "$work/bah/run" --storage-driver vfs rm --all >/dev/null 2>&1 || true
  grep -o " $work/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$build" --version >/dev/null   # builds the jar once, before any case

cases=()
if ((${#only[@]})); then cases=("${only[@]}"); else
  for d in "$corpus"/*/; do [[ -f $d/Dockerfile ]] && cases+=("$(basename "$d")"); done
fi

# --- 1. import every case ----------------------------------------------------------------------------------------------
declare -A OUTCOME DETAIL EXPECT MATCH BUILT WHY
mismatches=0
for c in "${cases[@]}"; do
  mkdir -p "$work/import"
  rm -rf "${work:?}/import/$c"; cp -r "$corpus/$c" "$work/import/$c"; rm -f "$work/import/$c/expected"
  set +e
  "$build" import "$work/import/$c" >"$work/import/$c.yaml" 2>"$work/import/$c.err"
  rc=$?
  set -e
  case $rc in
    0) OUTCOME[$c]=converts ;;
    3) OUTCOME[$c]=needs-you
       DETAIL[$c]=$(grep -m1 'needs you' "$work/import/$c.err" | sed 's/^[^ ]* *RUN *needs you *//; s/^[^ ]* *[A-Z]* *needs you *//' | cut -c1-90) ;;
    *) OUTCOME[$c]=error; DETAIL[$c]=$(tail -n1 "$work/import/$c.err" | sed "s/^error: //; s|$work/import/$c/||" | cut -c1-110) ;;
  esac
  EXPECT[$c]=$(head -n1 "$corpus/$c/expected" 2>/dev/null || echo "?")
  exp=${EXPECT[$c]}
  if [[ $exp == "${OUTCOME[$c]}" || ( $exp == error:* && ${OUTCOME[$c]} == error && $(tail -n1 "$work/import/$c.err") == *"${exp#error: }"* ) ]]; then
    MATCH[$c]=yes
  else
    MATCH[$c]=NO; mismatches=$((mismatches + 1))
  fi
  log "import $c: ${OUTCOME[$c]} (expected $exp)"
done

# --- 2. the test registry and its bases --------------------------------------------------------------------------------
available=()
if ((do_build)); then
  for tool in docker-registry buildah curl; do
    command -v $tool >/dev/null || { log "dockerfile-corpus.sh: $tool is needed to build (or pass --no-build)"; exit 1; }
  done
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  reg="127.0.0.1:$port"
  mkdir -p "$work/reg"
  printf 'version: 0.1\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s}\n' "$work/reg/data" "$reg" >"$work/reg/config.yml"
  docker-registry serve "$work/reg/config.yml" >"$work/reg/log" 2>&1 & rpid=$!
  for _ in $(seq 100); do curl -fsS -o /dev/null "http://$reg/v2/" 2>/dev/null && break; sleep 0.1; done
  bah() { buildah --root "$work/bah/root" --runroot "$work/bah/run" --storage-driver vfs "$@"; }
  push_rootfs() {  # TARBALL NAME...: a one-layer image of the root filesystem, pushed under each name
    local tarball=$1; shift
    local ctr
    ctr=$(bah from scratch)
    bah add "$ctr" "$tarball" / >/dev/null
    bah config --cmd /bin/sh "$ctr"
    bah commit --quiet "$ctr" "localhost/corpus-base" >/dev/null
    bah rm "$ctr" >/dev/null
    for name in "$@"; do
      bah push --quiet --tls-verify=false localhost/corpus-base "docker://$reg/$name" >/dev/null
      available+=("$name")
    done
    bah rmi localhost/corpus-base >/dev/null
  }
  alpine=""
  for candidate in "${SEALBUILD_FIXTURES:-}/alpine/minirootfs" "$root/../shared/fixtures/alpine/minirootfs" /work/shared/fixtures/alpine/minirootfs; do
    [[ -f $candidate/alpine-minirootfs-3.20.3-x86_64.tar.gz ]] && { alpine=$candidate/alpine-minirootfs-3.20.3-x86_64.tar.gz; break; }
  done
  if [[ -n $alpine ]]; then
    log "pushing the Alpine 3.20.3 minirootfs as alpine:3.20"
    push_rootfs "$alpine" alpine:3.20
  else
    log "no Alpine minirootfs fixture: Alpine cases are not built"
  fi
  if command -v mmdebstrap >/dev/null; then
    tarball=${debian_tar:-$work/bookworm.tar}
    if [[ ! -s $tarball ]]; then
      # The host's Debian mirror: the first URI of its apt sources that serves bookworm (not a security or third-party one).
      mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -E '^(deb|URIs:) ' | grep -oE 'https?://[^ ]+' | grep -v security | grep -E '/debian/?$' | head -n1)
      log "making a bookworm minbase with mmdebstrap from the host's apt mirror"
      mmdebstrap --quiet --variant=minbase --mode=root --aptopt='Apt::Key::gpgvcommand "/usr/bin/gpgv"' \
        bookworm "$tarball" "deb $mirror bookworm main" >"$work/mmdebstrap.log" 2>&1 \
        || { log "mmdebstrap failed:"; tail -5 "$work/mmdebstrap.log" >&2; tarball=""; }
    fi
    if [[ -n $tarball ]]; then
      log "pushing it as debian:bookworm and debian:bookworm-slim"
      push_rootfs "$tarball" debian:bookworm debian:bookworm-slim
    fi
  else
    log "mmdebstrap is not installed: Debian cases are not built"
  fi
fi

# --- 3. lock, prep and image the cases that convert and whose bases are there ------------------------------------------
is_available() { local x; for x in "${available[@]}"; do [[ $x == "$1" ]] && return 0; done; return 1; }
step() {  # CASE STEP ARGS...: runs one command of a case; on failure records why and returns 1
  local c=$1 what=$2; shift 2
  if ! timeout 900 "$build" "$what" "$@" --cache "$work/cache" >"$work/build/$c.$what.out" 2>"$work/build/$c.$what.err"; then
    WHY[$c]="$what: $(grep -v '^warning:' "$work/build/$c.$what.err" | tail -n1 | sed 's/^error: //' | cut -c1-120)"
    return 1
  fi
}
for c in "${cases[@]}"; do
  BUILT[$c]=no
  if ((!do_build)); then WHY[$c]="not tried (--no-build)"; continue; fi
  if [[ ${OUTCOME[$c]} != converts ]]; then WHY[$c]="does not convert"; continue; fi
  missing=""
  for image in $(sed -n 's/^ *image: *//p' "$work/import/$c.yaml" | tr -d '"'); do
    is_available "$image" || missing+="${missing:+, }$image"
  done
  if [[ -n $missing ]]; then WHY[$c]="base not in the test registry: $missing"; continue; fi
  mkdir -p "$work/build"
  dir="$work/build/$c"
  cp -r "$corpus/$c" "$dir"; rm -f "$dir/expected"
  # Image names of FROM, ARG defaults and COPY --from point at the loopback registry.
  perl -pi -e "s#(?<![\\w./-])(alpine|debian):#$reg/\$1:# if /^\\s*(FROM|ARG|COPY)\\b/i" "$dir/Dockerfile"
  log "building $c"
  step "$c" lock "$dir" && step "$c" prep "$dir" && step "$c" image "$dir" --output "oci:$dir/out/img:latest" \
    && BUILT[$c]=yes && WHY[$c]=""
done

# --- 4. the report -----------------------------------------------------------------------------------------------------
n=${#cases[@]}
converted=0; needs=0; errors=0; built=0; tried=0
echo "| case | import | as expected | built | why not / what it needs |"
echo "|---|---|---|---|---|"
for c in "${cases[@]}"; do
  case ${OUTCOME[$c]} in converts) converted=$((converted + 1)) ;; needs-you) needs=$((needs + 1)) ;; *) errors=$((errors + 1)) ;; esac
  [[ ${BUILT[$c]} == yes ]] && built=$((built + 1))
  [[ ${BUILT[$c]} == yes || ${WHY[$c]} == lock:* || ${WHY[$c]} == prep:* || ${WHY[$c]} == image:* ]] && tried=$((tried + 1))
  note=${WHY[$c]}
  [[ ${OUTCOME[$c]} != converts ]] && note=${DETAIL[$c]:-}
  echo "| $c | ${OUTCOME[$c]} | ${MATCH[$c]} | ${BUILT[$c]} | ${note//|/\\|} |"
done
echo
pct() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%d/%d (%.0f %%)", a, b, b ? 100 * a / b : 0 }'; }
echo "- converts cleanly (import exit 0): $(pct $converted "$n"); needs you (exit 3): $(pct $needs "$n"); error: $(pct $errors "$n")"
echo "- builds (lock, prep, image): $(pct $built "$n") of the corpus; $(pct $built "$tried") of the cases tried (converted, bases in the test registry)"
echo "- import outcome as the case's expected file says: $((n - mismatches))/$n"
((mismatches == 0))
