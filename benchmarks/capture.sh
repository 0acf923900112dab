#!/usr/bin/env bash
# From "broken" to "cause named": a whole `wprescue rescue --yes` on the test bed, with the error
# captured by the companion must-use plugin (the default) and with the debug-log route
# (--no-capture), in each log setup (the main pool, whose error_log WordPress may move; pools that
# fix error_log to a file outside the site or hand errors to nginx only), locally and over SFTP.
# Probes are the HTTP requests the site received during the run (lines of nginx's access log,
# emptied before each run); seconds are the rescue's wall time, which ends once the fix is
# verified. The cause is what the rescue named. The test bed's logs are emptied after each fault
# is injected, so neither route starts from a log that already holds the answer.
# Usage (as root): benchmarks/capture.sh [WPRESCUE] > benchmarks/capture.md
# Honours WPRESCUE_TESTBED_DIR and the test bed's port variables (see scripts/testbed.d/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
wprescue=${1:-}
if [[ -z $wprescue ]]; then
    swift build -c release --product wprescue >/dev/null
    wprescue=$(swift build -c release --show-bin-path)/wprescue
fi
scripts/testbed up >/dev/null 2>&1
eval "$(scripts/testbed env | grep -E '^(WPRESCUE_TESTBED_DIR|SITE_PATH|NGINX_URL|SSH_USER|SSH_HOST|SSH_PORT|SSH_KEY|SSH_KNOWN_HOSTS|LOG_SITES)=')"
access_log=$WPRESCUE_TESTBED_DIR/logs/nginx-access.log
port=${NGINX_URL##*:}
export WPRESCUE_STATE_DIR=$(mktemp -d /tmp/wprescue-capture-figures.XXXXXX)
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "# Error capture: from broken to cause named"
echo
echo "Measured by \`benchmarks/capture.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared with other builds,"
echo "$(basename "$(dirname "$wprescue")") build, test bed on loopback. Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "One run per cell. *probes*: HTTP requests the site received during the rescue; *seconds*: the rescue's"
echo "wall time (it ends once the fix is verified); *cause*: what the rescue named; *changed*: what it left changed."
echo
echo "| fault | log setup | backend | route | probes | seconds | cause | changed |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for fault in memory-exhaustion php-removed-function; do
    for setup in main log-forced log-unreadable log-stderr; do
        [[ $fault == php-removed-function && ( $setup == log-forced || $setup == log-unreadable ) ]] && continue
        for backend in local sftp; do
            for route in capture debug-log; do
                scripts/testbed reset >/dev/null 2>&1
                variant=()
                [[ $setup == main ]] || variant=("$setup")
                scripts/testbed fault many-plugins 5 "$fault" "${variant[@]}" >/dev/null 2>&1
                # The fault's own check requests left the error in the test bed's logs, which sit
                # beside the site where panels keep theirs: emptied, so each route starts from
                # logs that say nothing yet.
                for log in "$WPRESCUE_TESTBED_DIR"/logs/*.log "$WPRESCUE_TESTBED_DIR"/hosted-logs/*/php-error.log; do : >"$log"; done
                if [[ $setup == main ]]; then
                    path=$SITE_PATH; probe=(--url "$NGINX_URL/")
                else
                    path=$LOG_SITES/$setup; probe=(--url "http://$setup.test:$port/" --resolve "$setup.test:$port:127.0.0.1")
                fi
                if [[ $backend == local ]]; then
                    site=(--site "$path")
                else
                    site=(--site "sftp://$SSH_USER@$SSH_HOST:$SSH_PORT$path" --identity "$SSH_KEY" --known-hosts "$SSH_KNOWN_HOSTS")
                fi
                extra=()
                [[ $route == capture ]] || extra=(--no-capture)
                : >"$access_log"
                start=$(now)
                json=$("$wprescue" "${site[@]}" --format json rescue --yes --settle 0 "${probe[@]}" "${extra[@]}" 2>/dev/null || true)
                end=$(now)
                probes=$(wc -l <"$access_log")
                read -r cause changed < <(python3 -c '
import json, sys
try:
    r = json.loads(sys.argv[1])
except Exception:
    print("(no report) -"); sys.exit()
kept = [a["description"].split(" (")[0] for a in r.get("actions", []) if a.get("kept")]
print((r.get("causeSummary") or "not identified").replace("|", "/").replace(" ", "\u00a0"), "; ".join(kept).replace(" ", "\u00a0") or "nothing")
' "$json")
                echo "| $fault | $setup | $backend | $route | $probes | $(seconds "$start" "$end") | ${cause//$'\u00a0'/ } | ${changed//$'\u00a0'/ } |"
                "$wprescue" "${site[@]}" undo --all --yes >/dev/null 2>&1 || true
            done
        done
    done
done
scripts/testbed reset >/dev/null 2>&1
rm -rf "$WPRESCUE_STATE_DIR"
