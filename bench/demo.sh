#!/usr/bin/env bash
# The demo as a newcomer meets it: `./jbang OcsPkceLogin.java --demo` on an empty account (nothing
# cached: no JBang, no Maven repository, no build of the tool, no Keycloak), then the second run.
# The account is a fresh HOME with its XDG folders, JBang folder and Maven repository (Maven and
# JBang are given it through MAVEN_OPTS and JBANG_REPO), so that everything is downloaded again
# from Maven Central; the demo's Keycloak runs on its own port (18180), apart from any other.
#
#   bench/demo.sh              # RUNS=3 fresh accounts by default
#
# Reported: per run and as medians, the first token's wall time, the second run's (the token from
# the cache), and a third run's with --force-login (a sign-in on the Keycloak that stayed up); for
# the first run also the longest time stderr said nothing, and what the account holds on disk then.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
issuer=http://127.0.0.1:18180/realms/ocs-pkce-demo
results=$(mktemp)
trap 'rm -f "$results"' EXIT

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# Each stderr line with the milliseconds since START, as it arrives: the first run's silences are measured from it.
stamped() { # START FILE
  while IFS= read -r line; do printf '%s %s\n' "$(ms "$1")" "$line"; done > "$2"
}
longest_silence() { # FILE of stamped lines: the longest gap between two lines (or before the first), in ms
  awk 'BEGIN { last = 0; max = 0 } { if ($1 - last > max) { max = $1 - last; at = $0 } last = $1 } END { print max " ms, before: " substr(at, index(at, " ") + 1) }' "$1"
}
for ((i = 1; i <= runs; i++)); do
  account=$(mktemp -d)
  as_newcomer=(env HOME="$account" XDG_CACHE_HOME="$account/.cache" XDG_CONFIG_HOME="$account/.config" JBANG_DIR="$account/.jbang"
    JBANG_REPO="$account/.m2/repository" MAVEN_OPTS="-Duser.home=$account" BROWSER=bench/curl-browser.sh)
  demo=(./jbang OcsPkceLogin.java --demo --authority "$issuer")
  start=$(date +%s%N)
  "${as_newcomer[@]}" "${demo[@]}" > "$account/token" 2> >(stamped "$start" "$account/first.log") || { sleep 1; cat "$account/first.log" >&2; exit 1; }
  first=$(ms "$start")
  sleep 1 # the stamping of the last lines
  silence=$(longest_silence "$account/first.log")
  disk=$(du -sm "$account" | cut -f1)
  start=$(date +%s%N)
  "${as_newcomer[@]}" "${demo[@]}" > /dev/null 2> "$account/second.log" || { cat "$account/second.log" >&2; exit 1; }
  second=$(ms "$start")
  start=$(date +%s%N)
  "${as_newcomer[@]}" "${demo[@]}" --force-login > /dev/null 2> "$account/third.log" || { cat "$account/third.log" >&2; exit 1; }
  third=$(ms "$start")
  echo "$first $second $third $disk" >> "$results"
  echo "run $i: first token $first ms (longest silence on stderr: $silence; $disk MB on disk), second run $second ms," \
    "a sign-in on the running Keycloak $third ms" >&2
  [ -n "${KEEP_LOGS:-}" ] && cp "$account"/*.log "$KEEP_LOGS/" && mv "$KEEP_LOGS/first.log" "$KEEP_LOGS/first-$i.log"
  # stop the account's Keycloak (found by its folder), and forget the account
  pkill -f "$account/.cache/ocs-pkce-login/keycloak-" || true
  sleep 5
  rm -rf "$account"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo
echo "$runs fresh accounts, $(nproc) cores"
echo
echo "| The demo | Median wall time |"
echo "|---|---:|"
echo "| First token on an empty account (\`./jbang OcsPkceLogin.java --demo\`: JBang, the build, Keycloak fetched, built and started) | $(cut -d' ' -f1 "$results" | median) ms |"
echo "| The second \`--demo\` run (the token from the cache) | $(cut -d' ' -f2 "$results" | median) ms |"
echo "| A \`--demo --force-login\` run (a sign-in at the Keycloak that stayed up) | $(cut -d' ' -f3 "$results" | median) ms |"
echo
echo "On disk after the first token (JBang, the Maven repository, the tool's build, Keycloak and its caches): median $(cut -d' ' -f4 "$results" | median) MB"
