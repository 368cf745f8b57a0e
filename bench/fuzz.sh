#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted bytes (docs/testing.md, "Fuzzing"): one named target, or all of them one
# after another, each for DURATION seconds, with Jazzer. The corpus Jazzer grows is kept outside the repository
# (CORPUS_DIR/<Target>, default target/fuzz-corpus); a crashing input is written into the target's Inputs directory
# under src/test/resources, where the normal test run replays it. Prints target, duration and executions per target.
#
#   bench/fuzz.sh list
#   bench/fuzz.sh TarFuzzTest 600            # one target, ten minutes
#   bench/fuzz.sh all 600                    # every target, one after another
#   CORPUS_DIR=/var/tmp/corpus LOG_DIR=/tmp/fuzz-logs bench/fuzz.sh ZipFuzzTest 60
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

# target  module  class  method
TARGETS="
TarFuzzTest       builder   dev.sealbuild.builder.fuzz.TarFuzzTest             tarHeaders
ZipFuzzTest       builder   dev.sealbuild.builder.fuzz.ZipFuzzTest             centralDirectory
DebFuzzTest       builder   dev.sealbuild.builder.deb.DebFuzzTest              arMembers
ApkFuzzTest       prep      dev.sealbuild.prep.alpine.ApkFuzzTest              gzipMembersAndPkgInfo
ApkIndexFuzzTest  prep      dev.sealbuild.prep.alpine.ApkIndexFuzzTest         apkIndex
Deb822FuzzTest    prep      dev.sealbuild.prep.debian.Deb822FuzzTest           releaseAndPackages
InReleaseFuzzTest prep      dev.sealbuild.prep.debian.InReleaseFuzzTest        clearsignedFraming
OciFuzzTest       prep      dev.sealbuild.prep.fuzz.OciFuzzTest                ociDocuments
SpecFuzzTest      lockfiles dev.sealbuild.lockfiles.fuzz.SpecFuzzTest          specYaml
LockFuzzTest      lockfiles dev.sealbuild.lockfiles.fuzz.LockFuzzTest          lockJson
"

target=${1:-}
duration=${2:-600}
corpus_root=${CORPUS_DIR:-$ROOT/target/fuzz-corpus}
log_dir=${LOG_DIR:-$ROOT/target/fuzz-logs}
if [[ -z $target || $target == list ]]; then
  echo "usage: bench/fuzz.sh TARGET|all [SECONDS]   (default 600 s per target)"
  echo "$TARGETS" | awk 'NF {print "  " $1 "  (" $2 ")"}'
  exit 0
fi
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: duration must be whole seconds, not '$duration'" >&2; exit 2; }

run_one() {
  local name=$1 module=$2 class=$3 method=$4
  local snapshot="$ROOT/target/fuzz-run/$name" corpus="$corpus_root/$name" log="$log_dir/$name.log"
  mkdir -p "$corpus" "$log_dir"
  # Build (unless nothing under a module's src/ or pom.xml changed since the module's last build here), then copy the
  # class path aside: a rebuild of the worktree must not change classes under a running fuzzer.
  local cpfile="$ROOT/target/fuzz-run/$module.cp"
  if [[ ! -s $cpfile ]] || [[ -n $(find "$ROOT" -maxdepth 1 -name pom.xml -newer "$cpfile") ]] \
      || [[ -n $(find "$ROOT"/*/src "$ROOT"/*/pom.xml -newer "$cpfile" -print -quit) ]]; then
    mkdir -p "$ROOT/target/fuzz-run"
    # A relative outputFile is per module (each module of the reactor writes its own): keep the target module's.
    mvn -q -o -B test-compile dependency:build-classpath -pl "$module" -am \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt >/dev/null
    cp "$ROOT/$module/target/fuzz-classpath.txt" "$cpfile"
  fi
  rm -rf "$snapshot" && mkdir -p "$snapshot"
  local cp="" entry i=0
  for entry in "$ROOT/$module/target/test-classes" "$ROOT/$module/target/classes" $(tr ':' ' ' < "$cpfile"); do
    if [[ -d $entry && $entry == "$ROOT"/* ]]; then
      cp -r "$entry" "$snapshot/$i" && entry="$snapshot/$i" && i=$((i + 1))
    fi
    cp="$cp${cp:+:}$entry"
  done
  local start end runs secs
  start=$(date +%s)
  # The per-input budget (-timeout) and the input bound (-max_len, 64 KiB as Refusals.MAX_INPUT) are libFuzzer's;
  # -max_total_time overrides the @FuzzTest default. The module directory is the working directory, so Jazzer
  # writes a crashing input into that module's src/test/resources/.../<Class>Inputs/<method>/.
  set +e
  (cd "$ROOT/$module" && JAZZER_FUZZ=1 java -Xmx1g -cp "$cp" \
    -Djazzer.instrument='dev.sealbuild.**,org.apache.commons.compress.**,com.fasterxml.jackson.**,org.yaml.snakeyaml.**' \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="$corpus" -Djazzer.internal.arg.2=-max_total_time="$duration" \
    -Djazzer.internal.arg.3=-max_len=65536 -Djazzer.internal.arg.4=-timeout=10 \
    "$ROOT/bench/FuzzLaunch.java" "$class" "$method") >"$log" 2>&1
  local status=$?
  set -e
  end=$(date +%s)
  # libFuzzer's closing line: "Done 123456 runs in 600 second(s)"; after a finding, its last status line.
  runs=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')
  secs=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $5}')
  if [[ -z $runs ]]; then
    runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    secs="~$((end - start))"
  fi
  printf 'fuzz: %-18s fuzzed %6ss  executions %10s  corpus %5s files  %s\n' "$name" "${secs:-?}" "${runs:-?}" \
    "$(find "$corpus" -type f | wc -l)" "$([[ $status == 0 ]] && echo 'no findings' || echo "FINDING (exit $status), see $log")"
  return $status
}

found=0 failed=0
while read -r name module class method; do
  [[ -n $name ]] || continue
  if [[ $target == all || $target == "$name" ]]; then
    found=1
    run_one "$name" "$module" "$class" "$method" || failed=1
  fi
done <<< "$TARGETS"
[[ $found == 1 ]] || { echo "fuzz: no target '$target' (bench/fuzz.sh list)" >&2; exit 2; }
exit $failed
