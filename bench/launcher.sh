#!/usr/bin/env bash
# What the launcher saves: start-up (./build against the jar run directly, which isolates `image` by starting a
# second JVM) and peak memory of `build image` on generated copy: trees. Median of 5 for wall and CPU (user+sys);
# peak RSS as GNU time reports it (the largest process of the run). Usage: bench/launcher.sh [MB...]
# (default: 100 1024).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=("$@")
[[ $# -eq 0 ]] && sizes=(100 1024)
work=$(mktemp -d /tmp/sealbuild-launcher.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/build" --version >/dev/null   # builds the jar and the start-up archive once, outside the timings
jar="$root/cli/target/sealbuild.jar"

median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
measure() {  # runs, label, command...
  local runs=$1 label=$2; shift 2
  : >"$work/times"
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    tail -n 1 "$work/t" >>"$work/times"
  done
  printf "| %-52s | %6.2f s | %6.2f s | %6d MB |\n" "$label" "$(awk '{print $1}' "$work/times" | median)" \
    "$(awk '{print $2 + $3}' "$work/times" | median)" $(( $(awk '{print $4}' "$work/times" | median) / 1024 ))
}

mkdir -p "$work/tiny"
printf 'name: tiny\ncopy: [{src: a.txt, dest: /a.txt}]\n' >"$work/tiny/build.yaml"
echo a >"$work/tiny/a.txt"
"$root/build" lock "$work/tiny" 2>/dev/null

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), $(date -u +%F)"
echo "| what | wall (median) | CPU (median) | peak RSS |"
echo "|---|---|---|---|"
measure 5 "java -jar sealbuild.jar --version" java -jar "$jar" --version
measure 5 "./build --version" "$root/build" --version
measure 5 "SEALBUILD_CDS=off ./build --version" env SEALBUILD_CDS=off "$root/build" --version
measure 5 "java -jar sealbuild.jar image (tiny; two JVMs)" java -jar "$jar" image "$work/tiny" -o "oci:$work/o1"
measure 5 "./build image (tiny; one JVM)" "$root/build" image "$work/tiny" -o "oci:$work/o2"

for mb in "${sizes[@]}"; do
  proj="$work/p$mb"
  mkdir -p "$proj/tree"
  python3 "$root/bench/gen-tree.py" "$proj/tree" "$mb"
  printf 'name: bench\ncopy: [{src: tree, dest: /data}]\n' >"$proj/build.yaml"
  "$root/build" lock "$proj" 2>/dev/null
  measure 1 "java -jar sealbuild.jar image, ${mb} MiB copy: tree" java -jar "$jar" image "$proj" --cache "$work/cache" -o "oci:$work/a$mb"
  measure 1 "./build image, ${mb} MiB copy: tree" "$root/build" image "$proj" --cache "$work/cache" -o "oci:$work/b$mb"
  rm -rf "$proj" "$work/a$mb" "$work/b$mb"
done
