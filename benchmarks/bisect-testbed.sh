#!/usr/bin/env bash
# Wall time of real bisections on the test bed, locally and over SFTP, with a build from before
# and after a change side by side in one run (default options otherwise, as a new user would).
# Usage (as root, test bed up):
#   benchmarks/bisect-testbed.sh AFTER_BINARY [BEFORE_BINARY] >> benchmarks/bisect.md
#   BACKENDS=sftp benchmarks/bisect-testbed.sh ...   (one backend only)
# Honours WPRESCUE_TESTBED_DIR and the test bed's port variables (see scripts/testbed.d/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
after=$1
before=${2:-}
eval "$(scripts/testbed env | grep -E '^(SITE_PATH|NGINX_URL|SSH_USER|SSH_HOST|SSH_PORT|SSH_KEY|SSH_KNOWN_HOSTS)=')"
export WPRESCUE_STATE_DIR=$(mktemp -d /tmp/wprescue-bisect-bench.XXXXXX)
local_site=(--site "$SITE_PATH")
sftp_site=(--site "sftp://$SSH_USER@$SSH_HOST:$SSH_PORT$SITE_PATH" --identity "$SSH_KEY" --known-hosts "$SSH_KNOWN_HOSTS")
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

scripts/testbed reset >/dev/null 2>&1
page=$(for _ in 1 2 3 4 5 6 7 8 9; do curl -s -o /dev/null -w '%{time_total}\n' "$NGINX_URL/"; done | sort -n | sed -n 5p)

echo "Measured by \`benchmarks/bisect-testbed.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) shared cores (load average at start:"
echo "$(cut -d' ' -f1-3 /proc/loadavg)), debug builds of both versions, test bed on loopback (nginx + PHP-FPM with"
echo "pm.max_children = 8 and opcache.revalidate_freq = 0, sshd). One page load of the healthy home page: ${page} s (median of 9)."
echo "\"distinct looks\" counts different plugin sets looked at; the floor is that many page loads of the two default pages"
echo "(home and wp-login.php) one after the other, before any parallelism; \"one by one\" is the manual method's floor when the"
echo "culprit is found last (n + 2 looks: all enabled, all disabled, then one plugin back at a time), without the moves. Rows of the new build are the median of 3 runs"
echo "[min–max]; the old build's rows are single runs (they take 20–50 s each). Probes and looks are from the last run."
echo
echo "| fault (plugins) | backend | version | method | probes | distinct looks | floor (s) | one by one, floor (s) | wall time (s) | culprits |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
run() { # label fillers fault backend version binary runs method-args...
    local label=$1 fillers=$2 fault=$3 backend=$4 version=$5 binary=$6 runs=$7; shift 7
    local site_var="${backend}_site[@]"
    local start end json walls=()
    for ((run = 0; run < runs; run++)); do
        scripts/testbed reset >/dev/null 2>&1
        scripts/testbed fault many-plugins "$fillers" "$fault" >/dev/null 2>&1
        # A run whose SSH connection the test bed's sshd dropped (seen with both builds when other
        # test beds share the machine) prints no JSON: reset and run it again, at most twice.
        for attempt in 1 2 3; do
            start=$(now)
            json=$("$binary" "${!site_var}" --format json bisect --url "$NGINX_URL/" --yes "$@" 2>/dev/null || true)
            end=$(now)
            [ -n "$json" ] && break
            echo "retrying $label $backend $version $* (attempt $attempt printed nothing)" >&2
            scripts/testbed reset >/dev/null 2>&1
            scripts/testbed fault many-plugins "$fillers" "$fault" >/dev/null 2>&1
        done
        walls+=("$(seconds "$start" "$end")")
    done
    local wall
    wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ a[NR] = $1 } END { if (NR == 1) print a[1]; else printf "%s [%s–%s]", a[int((NR + 1) / 2)], a[1], a[NR] }')
    local method=${*:-default}
    python3 - "$label" "$backend" "$version" "$method" "$wall" "$page" <<PY
import json, sys
label, backend, version, method, wall, page = sys.argv[1:]
data = json.loads('''$json''')
looks = len({tuple(step["enabled"]) for step in data["steps"]})
culprits = "; ".join(" + ".join(sorted(c)) for c in data["culprits"]) or data["outcome"]
used = data.get("method")
shown = method if used is None else f"{method} ({used})"
n = int(label.split("(")[1].rstrip(")"))
print(f"| {label} | {backend} | {version} | {shown} | {data['probes']} | {looks} | {looks * 2 * float(page):.2f} | {(n + 2) * 2 * float(page):.2f} | {wall} | {culprits} |")
PY
}
for backend in ${BACKENDS:-local sftp}; do
    for spec in "worker-killer:40:worker-killer (42)" "plugin-fatal:98:plugin-fatal (100)" "pair-conflict:62:pair-conflict (64)"; do
        fault=${spec%%:*}; rest=${spec#*:}; fillers=${rest%%:*}; label=${rest#*:}
        if [ -n "$before" ]; then
            run "$label" "$fillers" "$fault" "$backend" before "$before" 1 --method move
            run "$label" "$fillers" "$fault" "$backend" before "$before" 1 --method header
        fi
        run "$label" "$fillers" "$fault" "$backend" after "$after" 3 --method move
        run "$label" "$fillers" "$fault" "$backend" after "$after" 3
    done
done
echo
echo "A whole \`rescue --yes\` of the 502 case (worker-killer among 42) over SFTP:"
echo
echo "| version | wall time (s) | site after |"
echo "| --- | --- | --- |"
for pair in "before:$before" "after:$after"; do
    version=${pair%%:*}; binary=${pair#*:}
    [ -n "$binary" ] || continue
    scripts/testbed reset >/dev/null 2>&1
    scripts/testbed fault many-plugins 40 worker-killer >/dev/null 2>&1
    start=$(now)
    verdict=$("$binary" "${sftp_site[@]}" --format json rescue --url "$NGINX_URL/" --yes 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["after"])' 2>/dev/null || echo "failed (printed no report)")
    end=$(now)
    echo "| $version | $(seconds "$start" "$end") | $verdict |"
done
scripts/testbed reset >/dev/null 2>&1
rm -rf "$WPRESCUE_STATE_DIR"
