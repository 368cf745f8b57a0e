#!/usr/bin/env bash
# Peak memory of `build image` on many empty files: a `copy:` tree and a `files:` tar.gz with `extract: true`, with
# and without the SBOM and provenance (--no-attach), under the launcher's heap (-Xmx1g) and a small one (-Xmx256m)
# to show the heap the build needs. Peak RSS as GNU time reports it; "OOM" when the heap was too small.
# Usage: bench/many-files.sh [FILES] (default 100000). Compare jars in one run (same machine, same load) with
# SEALBUILD_BENCH_JARS="before=/path/a.jar after=/path/b.jar" (default: the current build's jar); only some inputs
# with SEALBUILD_BENCH_INPUTS="copy" (default "copy tar").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
files=${1:-100000}
work=$(mktemp -d /tmp/sealbuild-many.XXXXXX)
server=""
trap '[[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
"$root/build" --version >/dev/null
read -r -a jars <<<"${SEALBUILD_BENCH_JARS:-current=$root/cli/target/sealbuild.jar}"
java="${JAVA:-java}"

python3 - "$work" "$files" <<'PY'
import io, os, sys, tarfile
work, n = sys.argv[1], int(sys.argv[2])
tree = os.path.join(work, "copy", "tree")
os.makedirs(os.path.join(work, "www"))
with tarfile.open(os.path.join(work, "www", "many.tar.gz"), "w:gz") as tar:
    for i in range(n):
        name = "d%03d/f%06d" % (i // 1000, i)
        os.makedirs(os.path.join(tree, os.path.dirname(name)), exist_ok=True)
        open(os.path.join(tree, name), "wb").close()
        info = tarfile.TarInfo("many/" + name)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(b""))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
server=$!
printf 'name: many-copy\ncopy: [{src: tree, dest: /data}]\n' >"$work/copy/build.yaml"
mkdir -p "$work/tar"
printf 'name: many-tar\nfiles: [{url: "http://127.0.0.1:%s/many.tar.gz", dest: /data, extract: true}]\n' "$port" \
  >"$work/tar/build.yaml"
for _ in 1 2 3 4 5 6 7 8 9 10; do curl -fsS -o /dev/null "http://127.0.0.1:$port/many.tar.gz" 2>/dev/null && break; sleep 0.5; done
for p in copy tar; do
  "$root/build" lock "$work/$p" >/dev/null 2>&1
  "$root/build" prep "$work/$p" --cache "$work/cache" >/dev/null 2>&1
done

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(date -u +%F), $files empty files"
echo "| input | attach | heap | jar | peak RSS | result |"
echo "|---|---|---|---|---|---|"
launcher=(-XX:+UseSerialGC -Xms32m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40)
read -r -a inputs <<<"${SEALBUILD_BENCH_INPUTS:-copy tar}"
for p in "${inputs[@]}"; do
  for attach in yes no; do
    for heap in 1g 256m; do
      for entry in "${jars[@]}"; do
        label=${entry%%=*} jar=${entry#*=}
        extra=()
        [[ $attach == no ]] && extra=(--no-attach)
        rm -rf "$work/out"
        result=ok
        /usr/bin/time -f "%M" -o "$work/t" "$java" "${launcher[@]}" "-Xmx$heap" -jar "$jar" image "$work/$p" \
          --cache "$work/cache" --network-isolation off --no-layer-cache "${extra[@]}" -o "oci:$work/out" \
          >/dev/null 2>"$work/err" || result="failed: $(grep -o 'OutOfMemoryError[^"]*\|heap[^"]*' "$work/err" | head -1)"
        printf "| %s | %s | %s | %s | %d MB | %s |\n" "$p" "$attach" "$heap" "$label" $(( $(tail -n 1 "$work/t") / 1024 )) "$result"
      done
    done
  done
done
