#!/usr/bin/env bash
# How long `wprescue core verify` takes, and how many bytes it reads, on the test bed's
# WordPress 6.1 (about 2500 core files, 50 MiB): locally and over SFTP, with one connection
# and with four. Over SFTP there is no md5sum to run (SFTP-only accounts have no shell), so
# every file is read; "received" is what the SSH connections received (framing, encryption
# and the logins of the extra connections included).
#
# Needs root and a running test bed (scripts/testbed up; its env variables exported when it
# is not the default one). Checksums come from scripts/testbed.d/wporg/mirror.py on
# loopback, warmed once so that every measured run uses the cache, as a second verify does.
# Usage: benchmarks/integrity.sh [RUNS]    (default 5; the median wall time is reported)
#        WPRESCUE_BENCH_CONFIG=debug benchmarks/integrity.sh   (use the debug build)
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
config=${WPRESCUE_BENCH_CONFIG:-release}
[ "$(id -u)" = 0 ] || { echo "run as root (the test bed's key and site)" >&2; exit 1; }
eval "$("$root/scripts/testbed" env)"

echo "building wprescue ($config)..." >&2
(cd "$root" && swift build -c "$config" --product wprescue >&2)
wprescue="$root/.build/$config/wprescue"

work=$(mktemp -d /tmp/wprescue-integrity-bench-XXXXXX)
mirror_pid=
cleanup() {
    [ -n "$mirror_pid" ] && kill "$mirror_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/mirror-in"
python3 "$root/scripts/testbed.d/wporg/mirror.py" "$(dirname "$SITE_PATH")/pristine" <"$work/mirror-in" >"$work/mirror-out" &
mirror_pid=$!
exec 9>"$work/mirror-in"
for _ in $(seq 600); do grep -q listening "$work/mirror-out" 2>/dev/null && break; sleep 0.2; done
port=$(awk '/listening/ {print $2}' "$work/mirror-out")
[ -n "$port" ] || { echo "the WordPress.org stand-in did not start" >&2; exit 1; }
export WPRESCUE_WPORG_API=http://127.0.0.1:$port/api WPRESCUE_WPORG_DOWNLOADS=http://127.0.0.1:$port/downloads
export WPRESCUE_STATE_DIR=$work/state

"$root/scripts/testbed" reset >&2
local_site=(--site "$SITE_PATH")
sftp_site=(--site "sftp://$SSH_USER@$SSH_HOST:$SSH_PORT$SITE_PATH" --identity "$SSH_KEY" --known-hosts "$SSH_KNOWN_HOSTS")
"$wprescue" "${local_site[@]}" core verify >/dev/null   # warms the checksums cache

measure() {  # LABEL PARALLEL SITE-ARGS...
    local label=$1 parallel=$2
    shift 2
    local times=() json
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        json=$("$wprescue" "$@" --format json core verify --parallel "$parallel")
        end=$(date +%s.%N)
        times+=("$(awk "BEGIN {print $end - $start}")")
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    python3 - "$label" "$parallel" "$median" "$json" <<'PY'
import json, sys
label, parallel, median, doc = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
r = doc["result"]
mib = lambda n: "%.1f MiB" % (n / 1048576) if n is not None else "n/a"
print(f"| {label} | {parallel} | {r['filesChecked']} | {median:.2f} s | {mib(r['bytesRead'])} | {mib(r.get('networkBytes'))} |")
PY
}

echo "| site | connections | files | wall time (median of $runs) | file bytes read | received over SSH |"
echo "| --- | --- | --- | --- | --- | --- |"
measure local 1 "${local_site[@]}"
measure local 4 "${local_site[@]}"
measure sftp 1 "${sftp_site[@]}"
measure sftp 4 "${sftp_site[@]}"
