#!/usr/bin/env bash
# Benchmark: the whole login through the README's command, against a restatement of OSIsoft's
# Python sample (bench/seed_flow.py: the same six steps with requests and http.server), on the same
# local Keycloak, with the same scripted browser (bench/curl-browser.sh as $BROWSER, signing in with
# curl). Paired: each round runs every command once, in turn, so that a slower moment of the
# machine touches all of them. Also: a cache hit, Java 17, the cold first run, and the curl floor.
#
#   bench/run.sh                # RUNS=9 rounds by default (at least 7)
#
# Measured per run: wall time (date +%s%N around the command) and peak resident memory (GNU time's
# %M). Reported: medians, and the median of the per-round ratios to the seed flow.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}

[ -x /usr/bin/time ] || { echo "bench: GNU time is needed (Debian/Ubuntu: apt-get install time)" >&2; exit 1; }
command -v curl > /dev/null || { echo "bench: curl is needed" >&2; exit 1; }
python3 -c 'import requests' 2> /dev/null || { echo "bench: python3 with requests is needed (pip install requests)" >&2; exit 1; }

# The local Keycloak: reused when it runs, otherwise started here and stopped at the end.
stop_keycloak=false
if ! ./jbang LocalKeycloak.java status 2>&1 | grep -q '^Keycloak serves'; then
  ./jbang LocalKeycloak.java start
  stop_keycloak=true
fi
work=$(mktemp -d)
trap '$stop_keycloak && ./jbang LocalKeycloak.java stop; rm -rf "$work"' EXIT
export BROWSER=bench/curl-browser.sh

config=(--config keycloak/demo.ini)
seed=(python3 bench/seed_flow.py keycloak/demo.ini)
floor=(bench/floor.sh)
login=(./jbang OcsPkceLogin.java "${config[@]}" --no-cache -q)
login17=(./jbang --java 17 OcsPkceLogin.java "${config[@]}" --no-cache -q)
loginNoPar=(./jbang OcsPkceLogin.java "${config[@]}" --no-cache --no-par -q) # the seed's exchanges, without the pushed request
hit=(./jbang OcsPkceLogin.java "${config[@]}" --cache-dir "$work/tokens" -q)
hit17=(./jbang --java 17 OcsPkceLogin.java "${config[@]}" --cache-dir "$work/tokens" -q)
# The command the README's `./jbang app install --name ocs-login "$PWD/OcsPkceLogin.java"` makes (JBang's
# convention), in a JBang folder of its own (JBang's user.home there too, so that no shell rc file is touched).
jbang_dir="$work/jbang"
mkdir -p "$jbang_dir/bin"
JBANG_DIR=$jbang_dir JBANG_JAVA_OPTIONS="-Duser.home=$work" ./jbang app install --name ocs-login "$PWD/OcsPkceLogin.java" > /dev/null 2>&1
installed=(env JBANG_DIR="$jbang_dir" "$jbang_dir/bin/ocs-login" "${config[@]}" --cache-dir "$work/tokens" -q)
# TokenStore = keychain: GNOME Keyring on a D-Bus session bus of the benchmark's own, unlocked (as a desktop session has it).
keychain=false
if command -v dbus-daemon > /dev/null && command -v gnome-keyring-daemon > /dev/null && command -v secret-tool > /dev/null; then
  mkdir -p "$work/keyring/data" && mkdir -m 700 "$work/keyring/run"
  bus=$(dbus-daemon --session --fork --nosyslog --print-address=1 --print-pid=1)
  bus_address=$(sed -n 1p <<< "$bus")
  bus_pid=$(sed -n 2p <<< "$bus")
  trap '$stop_keycloak && ./jbang LocalKeycloak.java stop; kill "$bus_pid" 2> /dev/null; rm -rf "$work"' EXIT
  printf 'bench' | DBUS_SESSION_BUS_ADDRESS=$bus_address XDG_DATA_HOME="$work/keyring/data" XDG_RUNTIME_DIR="$work/keyring/run" \
    gnome-keyring-daemon --replace --unlock --components=secrets --daemonize > /dev/null
  keychain=true
fi
hitKeychain=(env DBUS_SESSION_BUS_ADDRESS="${bus_address:-}" OCS_LOGIN_TOKEN_STORE=keychain ./jbang OcsPkceLogin.java "${config[@]}"
  --cache-dir "$work/ktokens" -q)

# measure NAME COMMAND...: appends "wall_ms peak_kib" to $work/NAME
measure() {
  local name=$1 start end
  shift
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M' -o "$work/rss" "$@" > "$work/out" 2> "$work/err"; then
    echo "bench: a run failed: $*" >&2
    cat "$work/err" >&2
    exit 1
  fi
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -n 1 "$work/rss")" >> "$work/$name"
}

# Warm: JBang builds, the launcher caches its command, the AOT cache (Java 25+) and JBang's CDS
# archive (Java 17) are trained, a login fills the token cache for the hits, and Keycloak, which
# answers its first hundreds of requests slower, serves every measured pair alike.
for warmup in 1 2 3 4 5 6 7 8; do
  measure warmup "${login[@]}"; measure warmup "${login17[@]}"; measure warmup "${hit[@]}"; measure warmup "${seed[@]}"
  measure warmup "${installed[@]}"; measure warmup "${loginNoPar[@]}"
  if $keychain; then measure warmup "${hitKeychain[@]}"; fi
done
for ((i = 1; i <= runs; i++)); do
  measure seed "${seed[@]}"
  measure login "${login[@]}"
  measure login17 "${login17[@]}"
  measure hit "${hit[@]}"
  measure hit17 "${hit17[@]}"
  measure installed "${installed[@]}"
  if $keychain; then measure hitKeychain "${hitKeychain[@]}"; fi
  measure loginNoPar "${loginNoPar[@]}"
  measure floor "${floor[@]}"
done

# The cold first run: the first after a build of the script (JBang compiles it, the launcher asks
# JBang for the command, and the run trains the AOT cache), three times.
jar_folder=$(dirname "$(./jbang info jar OcsPkceLogin.java 2> /dev/null)")
for cold in 1 2 3; do
  rm -rf "$jar_folder" "${XDG_CACHE_HOME:-$HOME/.cache}/ocs-pkce-login/launcher"
  measure cold "${login[@]}"
done

median() { # FILE COLUMN
  sort -n -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
paired_ratio() { # NAME: the median of the per-round ratios NAME / seed
  paste -d ' ' "$work/$1" "$work/seed" | awk '{ print $1 / $3 }' | sort -n \
    | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
java_of() { # ARGS...: the Java the launcher runs the tool on, with these JBang arguments
  ./jbang "$@" OcsPkceLogin.java --version 2> /dev/null | sed -n 's/.*(\(Java [^)]*\))$/\1/p'
}
row() { # LABEL NAME JAVA
  printf '| %s | %s | %s ms | %s MiB | %s |\n' "$1" "$3" "$(median "$work/$2" 1)" "$(( $(median "$work/$2" 2) / 1024 ))" "$(paired_ratio "$2")"
}
newest=$(java_of)
seventeen=$(java_of --java 17)

echo
echo "$runs paired rounds after 8 warm-up rounds, $(nproc) cores; $(python3 --version 2>&1)"
echo
echo "| What runs | Java | Median wall time | Median peak RSS | Ratio to the seed flow (median of pairs) |"
echo "|---|---|---:|---:|---:|"
row "Seed flow: OSIsoft's Python sample, restated (\`bench/seed_flow.py\`)" seed "-"
row "\`./jbang OcsPkceLogin.java\`: a whole login (with a pushed authorization request, RFC 9126)" login "$newest"
row "\`./jbang OcsPkceLogin.java --no-par\`: a whole login, the seed's exchanges" loginNoPar "$newest"
row "\`./jbang --java 17 OcsPkceLogin.java\`: a whole login" login17 "$seventeen"
row "\`./jbang OcsPkceLogin.java\`: a cache hit" hit "$newest"
row "\`./jbang --java 17 OcsPkceLogin.java\`: a cache hit" hit17 "$seventeen"
row "\`ocs-login\` (made by \`./jbang app install\`): a cache hit" installed "$newest"
if $keychain; then
  row "\`./jbang OcsPkceLogin.java\` with \`TokenStore = keychain\`: a cache hit (GNOME Keyring)" hitKeychain "$newest"
fi
row "Floor: the same exchanges by curl alone (\`bench/floor.sh\`)" floor "-"
printf '| %s | %s | %s ms | %s MiB | %s |\n' "The cold first run after a build (compile, launcher, AOT training; median of 3)" "$newest" \
  "$(median "$work/cold" 1)" "$(( $(median "$work/cold" 2) / 1024 ))" "-"
