#!/usr/bin/env bash
# Benchmark: one whole login, warm, against the local Keycloak, with a scripted browser
# (bench/curl-browser.sh as $BROWSER), side by side in the same run with its floor: the same
# exchanges with Keycloak made by curl alone (bench/floor.sh).
#
#   bench/run.sh            # RUNS=10 by default; JAVA_HOME picks the Java to measure
#
# Measured per run: wall time (date +%s%N around the command) and peak resident memory
# (GNU time's %M). Reported: medians, and the ratio of our median wall time to the floor's.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}

[ -x /usr/bin/time ] || { echo "bench: GNU time is needed (Debian/Ubuntu: apt-get install time)" >&2; exit 1; }
command -v curl > /dev/null || { echo "bench: curl is needed" >&2; exit 1; }
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# The local Keycloak: reused when it runs, otherwise started here and stopped at the end.
stop_keycloak=false
if ! ./jbang LocalKeycloak.java status 2>&1 | grep -q '^Keycloak serves'; then
  ./jbang LocalKeycloak.java start
  stop_keycloak=true
fi
work=$(mktemp -d)
trap '$stop_keycloak && ./jbang LocalKeycloak.java stop; rm -rf "$work"' EXIT

# The tool's JVM exactly as JBang starts it: its classpath, //JAVA_OPTIONS and CDS archive.
# JBang writes the archive at the end of the first run after a build: make that run a login.
./jbang build OcsPkceLogin.java > /dev/null 2>&1
archive="$(dirname "$(./jbang info jar OcsPkceLogin.java 2> /dev/null)")/OcsPkceLogin.jsa"
rm -f "$archive"
BROWSER=bench/curl-browser.sh ./jbang OcsPkceLogin.java --config keycloak/demo.ini > /dev/null 2>&1
classpath=$(./jbang info classpath OcsPkceLogin.java 2> /dev/null)
options=$(sed -n 's|^//JAVA_OPTIONS ||p' OcsPkceLogin.java)
[ -f "$archive" ] && options="$options -XX:SharedArchiveFile=$archive"

# measure NAME COMMAND...: appends "wall_ms peak_kib" to $work/NAME
measure() {
  local name=$1 start end
  shift
  start=$(date +%s%N)
  if ! BROWSER=bench/curl-browser.sh /usr/bin/time -f '%M' -o "$work/rss" "$@" > "$work/out" 2> "$work/err"; then
    echo "bench: a run failed: $*" >&2
    cat "$work/err" >&2
    exit 1
  fi
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -n 1 "$work/rss")" >> "$work/$name"
}

floor=(bench/floor.sh)
tool=("$java" $options -cp "$classpath" OcsPkceLogin --config keycloak/demo.ini)
launcher=(./jbang OcsPkceLogin.java --config keycloak/demo.ini)

for warmup in 1 2; do
  measure warmup "${floor[@]}"; measure warmup "${tool[@]}"; measure warmup "${launcher[@]}"
done
for ((i = 1; i <= runs; i++)); do
  measure floor "${floor[@]}"
  measure tool "${tool[@]}"
  measure launcher "${launcher[@]}"
done

median() { # FILE COLUMN
  sort -n -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
floor_ms=$(median "$work/floor" 1)
tool_ms=$(median "$work/tool" 1)
launcher_ms=$(median "$work/launcher" 1)
java_version=$("$java" -version 2>&1 | head -n 1 | sed 's/.*version "\([^"]*\)".*/Java \1/')
ratio() { awk -v a="$1" -v b="$floor_ms" 'BEGIN { printf "%.1f", a / b }'; }

echo
echo "$runs runs each, warm, $(nproc) cores; the floor's callback request is left out (nobody listens for it)"
echo
echo "| What runs | Java | Median wall time | Median peak RSS | Ratio to the floor |"
echo "|---|---|---:|---:|---:|"
echo "| Floor: the same exchanges by curl alone (\`bench/floor.sh\`) | - | $floor_ms ms | $(( $(median "$work/floor" 2) / 1024 )) MiB | 1.0 |"
echo "| The tool's JVM, as JBang starts it (with CDS) | $java_version | $tool_ms ms | $(( $(median "$work/tool" 2) / 1024 )) MiB | $(ratio "$tool_ms") |"
echo "| \`./jbang OcsPkceLogin.java\` (JBang's own JVM first) | $java_version | $launcher_ms ms | $(( $(median "$work/launcher" 2) / 1024 )) MiB | $(ratio "$launcher_ms") |"
