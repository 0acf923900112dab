#!/usr/bin/env bash
# Wall time of the locked-out commands on the real test bed, local and over SFTP:
#   - url show on the address-mismatch fault (4 redirect chains fetched hop by hop)
#   - url set (the option, journaled) and its undo
#   - recovery-link on the plugin-fatal fault (database through the SSH tunnel over SFTP)
# Usage (as root): benchmarks/login-address.sh [WPRESCUE_BINARY] > benchmarks/login-address.md
# Default binary: .build/debug/wprescue (build it first). Honours WPRESCUE_TESTBED_DIR and the
# test bed's port variables (see scripts/testbed.d/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
wprescue=${1:-.build/debug/wprescue}
scripts/testbed up >/dev/null 2>&1
eval "$(scripts/testbed env | grep -E '^(SITE_PATH|NGINX_URL|SSH_USER|SSH_HOST|SSH_PORT|SSH_KEY|SSH_KNOWN_HOSTS)=')"
export WPRESCUE_STATE_DIR=$(mktemp -d /tmp/wprescue-figures.XXXXXX)
local_site=(--site "$SITE_PATH")
sftp_site=(--site "sftp://$SSH_USER@$SSH_HOST:$SSH_PORT$SITE_PATH" --identity "$SSH_KEY" --known-hosts "$SSH_KNOWN_HOSTS")
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.2f [%.2f–%.2f]", a[int((NR + 1) / 2)], a[1], a[NR] }'; }
runs=3

echo "# Locked out of wp-admin: url show, url set, recovery-link"
echo
echo "Measured by \`benchmarks/login-address.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, binary \`$wprescue\`,"
echo "test bed on loopback. Load average at start: $(cut -d' ' -f1-3 /proc/loadavg). Each cell is the median of $runs runs (min–max)."
echo
echo "| backend | url show (s) | url set (s) | undo (s) | recovery-link (s) |"
echo "| --- | --- | --- | --- | --- |"
for backend in local sftp; do
    site_var="${backend}_site[@]"
    show=() set=() undo=() recovery=()
    for ((run = 0; run < runs; run++)); do
        scripts/testbed reset >/dev/null 2>&1
        scripts/testbed fault address-mismatch >/dev/null 2>&1
        a=$(now); "$wprescue" "${!site_var}" url show >/dev/null || true; b=$(now)
        "$wprescue" "${!site_var}" url set "$NGINX_URL" --only siteurl >/dev/null; c=$(now)
        "$wprescue" "${!site_var}" undo >/dev/null; d=$(now)
        scripts/testbed reset >/dev/null 2>&1
        scripts/testbed fault plugin-fatal >/dev/null 2>&1
        e=$(now); "$wprescue" "${!site_var}" recovery-link >/dev/null 2>&1; f=$(now)
        show+=("$(seconds "$a" "$b")"); set+=("$(seconds "$b" "$c")"); undo+=("$(seconds "$c" "$d")"); recovery+=("$(seconds "$e" "$f")")
    done
    echo "| $backend | $(printf '%s\n' "${show[@]}" | median) | $(printf '%s\n' "${set[@]}" | median) | $(printf '%s\n' "${undo[@]}" | median) | $(printf '%s\n' "${recovery[@]}" | median) |"
done
scripts/testbed reset >/dev/null 2>&1
rm -rf "$WPRESCUE_STATE_DIR"
