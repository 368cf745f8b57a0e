#!/usr/bin/env bash
# What the provenance work costs on samples/python (18 Debian packages, about 3,000 files): `build image` with
# and without the SBOM and provenance referrers, `build sbom`, `build audit` (accounting only, then with the
# offline rebuild) and `build diff` of two images. Prints a markdown table: best wall time of 3 runs and the
# peak resident memory of the last run. Needs the host's Debian mirror (prep runs once, before timing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d /tmp/sealbuild-bench-audit.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$root/build" --version >/dev/null
jar="$root/cli/target/sealbuild.jar"
cp -r "$root/samples/python" "$work/python"
java -jar "$jar" prep "$work/python" --cache "$work/cache" >/dev/null 2>&1

row() {  # label, command
  local label=$1; shift
  local best=999999 rss=0
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    best=$(awk -v a="$best" -v b="$(awk -v s="$start" -v e="$end" 'BEGIN{print e-s}')" 'BEGIN{print (b<a)?b:a}')
    rss=$(tail -1 "$work/rss")
  done
  printf "| %-58s | %6.2f s | %5d MB |\n" "$label" "$best" "$((rss / 1024))"
}

sb=(java -jar "$jar")
echo "| command (samples/python) | wall time | peak RSS |"
echo "|---|---|---|"
row "build image --no-attach" "${sb[@]}" image "$work/python" --cache "$work/cache" --no-attach -o "oci:$work/plain:latest"
row "build image (SPDX SBOM and provenance attached)" "${sb[@]}" image "$work/python" --cache "$work/cache" -o "oci:$work/img:latest"
row "build sbom --format spdx-json" "${sb[@]}" sbom "$work/python" --cache "$work/cache" -o "$work/sbom.json"
row "build sbom --format cyclonedx-json" "${sb[@]}" sbom "$work/python" --cache "$work/cache" --format cyclonedx-json -o "$work/cdx.json"
row "build audit IMAGE (every file accounted)" sh -c "cd $work/python && ${sb[*]} audit oci:$work/img:latest --cache $work/cache"
row "build audit IMAGE PATH (and an offline rebuild)" "${sb[@]}" audit "oci:$work/img:latest" "$work/python" --cache "$work/cache"
row "build diff IMAGE IMAGE" "${sb[@]}" diff "oci:$work/plain:latest" "oci:$work/img:latest"
echo
echo "files audited: $(cd "$work/python" && java -jar "$jar" audit "oci:$work/img:latest" --cache "$work/cache" --json | grep -c '"path"')"
