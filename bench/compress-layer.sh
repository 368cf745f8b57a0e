#!/usr/bin/env bash
# Layer compression throughput, side by side in one run on the same tar: sealbuild's parallel gzip (own deflate) and zstd
# against pigz -6, gzip -6 and java.util.zip on one thread. Usage: bench/compress-layer.sh [TAR]
# Default input: a name-sorted tar of /usr/lib/python3.* (about 50 MB on Debian 12).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/sealbuild-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/build" --version >/dev/null   # builds the jar once, outside the timings
jar="$root/cli/target/sealbuild.jar"
javac -cp "$jar" -d "$work" "$root/bench/CompressBench.java"
input="${1:-}"
if [[ -z "$input" ]]; then
  input="$work/input.tar"
  py=$(ls -d /usr/lib/python3.* | head -n1)
  tar --sort=name -cf "$input" -C "$(dirname "$py")" "$(basename "$py")" 2>/dev/null
fi
echo "input: $input, $(stat -c %s "$input") bytes, $(nproc) cores"
cat "$input" >/dev/null
# Wall time and CPU time (user + sys) of the whole process, JVM start and JIT included: on a shared machine the CPU
# seconds are the steadier figure. The Java runs compress the input once per process, as a build does.
measure() {  # $1 = label, rest = command; prints: label wall-s cpu-s
  local label=$1; shift
  for run in 1 2 3; do
    /usr/bin/time -f "$label	%e	%U	%S" -o "$work/time" "$@" >/dev/null
    awk -F'\t' '{printf "%-22s run '"$run"': wall %5.2f s  cpu %5.2f s\n", $1, $2, $3 + $4}' "$work/time"
  done
}
measure "pigz -6" sh -c 'pigz -6 -c < "$0" | wc -c' "$input"
measure "gzip -6" sh -c 'gzip -6 -c < "$0" | wc -c' "$input"
measure "zstd -3 -T0" sh -c 'zstd -3 -T0 -q -c < "$0" | wc -c' "$input"
for mode in "gzip:$(nproc)" gzip:1 "zstd:$(nproc)" jdk; do
  measure "sealbuild $mode" java -cp "$jar:$work" CompressBench "$mode" "$input" 1
done
for mode in "gzip:$(nproc)" "zstd:$(nproc)" jdk; do   # sizes
  java -cp "$jar:$work" CompressBench "$mode" "$input" 1
done
