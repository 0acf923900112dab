#!/usr/bin/env bash
# Figures measured on the real test bed, local and over SFTP, side by side in one run:
#   - plugins disable --all + enable --all on 60 plugins
#   - wall time of a real bisect (a worker-killing plugin among 60)
#   - log --summary of the last 16 MB of a 1 GB debug.log over SFTP (bytes read)
#   - wp-config.php edits per second (config set, the whole CLI each time)
#   - db check locally and over SFTP, where the database is reached through an SSH tunnel
#   - plugins list and db check over SFTP, directly and through a bastion (ProxyJump, ProxyCommand)
# Usage (as root): benchmarks/testbed-figures.sh > benchmarks/testbed-figures.md
# Honours WPRESCUE_TESTBED_DIR and the test bed's port variables (see scripts/testbed.d/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product wprescue >/dev/null
wprescue=$(swift build -c release --show-bin-path)/wprescue
scripts/testbed up >/dev/null 2>&1
eval "$(scripts/testbed env | grep -E '^(SITE_PATH|NGINX_URL|SSH_USER|SSH_HOST|SSH_PORT|SSH_KEY|SSH_KNOWN_HOSTS)=')"
export WPRESCUE_STATE_DIR=$(mktemp -d /tmp/wprescue-figures.XXXXXX)
local_site=(--site "$SITE_PATH")
sftp_site=(--site "sftp://$SSH_USER@$SSH_HOST:$SSH_PORT$SITE_PATH" --identity "$SSH_KEY" --known-hosts "$SSH_KNOWN_HOSTS")
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
runs=3

echo "# Test bed figures"
echo
echo "Measured by \`benchmarks/testbed-figures.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, release build,"
echo "test bed on loopback (nginx + PHP-FPM, MariaDB, OpenSSH's sshd). Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Each cell is the median of $runs runs (min–max in brackets)."
echo

median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.2f [%.2f–%.2f]", a[int((NR + 1) / 2)], a[1], a[NR] }'; }

echo "## plugins disable --all, then enable --all, 60 plugins"
echo
echo "| backend | disable --all (s) | enable --all (s) |"
echo "| --- | --- | --- |"
for backend in local sftp; do
    site_var="${backend}_site[@]"
    disable_times=() enable_times=()
    for ((run = 0; run < runs; run++)); do
        scripts/testbed reset >/dev/null 2>&1
        scripts/testbed fault many-plugins 59 >/dev/null 2>&1 # + akismet = 60
        start=$(now); "$wprescue" "${!site_var}" plugins disable --all >/dev/null; middle=$(now)
        "$wprescue" "${!site_var}" plugins enable --all >/dev/null; end=$(now)
        disable_times+=("$(seconds "$start" "$middle")"); enable_times+=("$(seconds "$middle" "$end")")
    done
    echo "| $backend | $(printf '%s\n' "${disable_times[@]}" | median) | $(printf '%s\n' "${enable_times[@]}" | median) |"
done
echo

echo "## A real bisect: worker-killer (a 502) among 60 plugins"
echo
echo "Default options (--settle 2.1: two looks 2.1 s apart after files move, for PHP's opcache; 502s confirmed after 1 s and 3 s),"
echo "and --settle 0 (the test bed revalidates opcache on every request)."
echo
echo "| backend | options | probes | wall time (s) |"
echo "| --- | --- | --- | --- |"
for backend in local sftp; do
    site_var="${backend}_site[@]"
    for settle in 2.1 0; do
        scripts/testbed reset >/dev/null 2>&1
        scripts/testbed fault many-plugins 59 worker-killer >/dev/null 2>&1
        start=$(now)
        probes=$("$wprescue" "${!site_var}" --format json bisect --url "$NGINX_URL/" --settle "$settle" --yes | python3 -c 'import json,sys; print(json.load(sys.stdin)["probes"])')
        end=$(now)
        echo "| $backend | --settle $settle | $probes | $(seconds "$start" "$end") |"
    done
done
echo

echo "## log --summary over SFTP: the last 16 MB of a 1 GB debug.log"
echo
scripts/testbed reset >/dev/null 2>&1
big=$SITE_PATH/wp-content/debug.log
python3 - "$big" <<'PY'
import sys
line = ("[21-Nov-2026 10:00:%02d UTC] PHP Fatal error:  Uncaught Error: Call to undefined function shop_%d() in "
        "/var/lib/wprescue-testbed/site/wp-content/plugins/shop/shop.php:12\nStack trace:\n#0 {main}\n  thrown in "
        "/var/lib/wprescue-testbed/site/wp-content/plugins/shop/shop.php on line 12\n")
with open(sys.argv[1], "w") as out:
    block = "".join(line % (i % 60, i % 997) for i in range(4000))
    written = 0
    while written < 1 << 30:
        out.write(block)
        written += len(block)
PY
chown "$SSH_USER" "$big"
echo "| backend | file size | bytes the reader requested | wall time (s) |"
echo "| --- | --- | --- | --- |"
for backend in local sftp; do
    site_var="${backend}_site[@]"
    start=$(now)
    read -r size bytes < <("$wprescue" "${!site_var}" --format json log --summary --max-bytes 16M | python3 -c 'import json,sys; r=json.load(sys.stdin)["report"]; print(r["fileSize"], r["bytesRead"])')
    end=$(now)
    echo "| $backend | $size | $bytes | $(seconds "$start" "$end") |"
done
rm -f "$big"
echo
echo "Goal for SFTP: at most 17 MB read (16 MiB = 16777216 bytes requested, plus the partial line at the cut)."
echo

echo "## wp-config.php edits per second"
echo
scripts/testbed reset >/dev/null 2>&1
edits=40
start=$(now)
for ((i = 0; i < edits; i++)); do
    if ((i % 2)); then value=true; else value=false; fi
    "$wprescue" "${local_site[@]}" config set WP_DEBUG "$value" >/dev/null
done
end=$(now)
elapsed=$(seconds "$start" "$end")
echo "$edits \`config set\` runs (each a whole CLI run: parse, re-parse, \`php -l\`, journal with backups, atomic write) in $elapsed s:"
echo "**$(awk -v n="$edits" -v t="$elapsed" 'BEGIN { printf "%.1f", n / t }') edits/s** on the local backend."
scripts/testbed reset >/dev/null 2>&1
echo

echo "## db check: directly, and over SFTP through the SSH tunnel"
echo
echo "The whole CLI each time. Over SFTP the database is reached from the server: a second SSH login, a"
echo "direct-tcpip channel to 127.0.0.1:3306 (DB_HOST) or direct-streamlocal to the socket (--db-host localhost:SOCKET)."
echo
echo "| backend | route | wall time (s) |"
echo "| --- | --- | --- |"
eval "$(scripts/testbed env | grep -E '^DB_SOCKET=')"
for backend in local sftp; do
    site_var="${backend}_site[@]"
    for route in tcp socket; do
        host=(); [[ $route == socket ]] && host=(--db-host "localhost:$DB_SOCKET")
        times=()
        for ((run = 0; run < runs; run++)); do
            start=$(now); "$wprescue" "${!site_var}" db check "${host[@]}" >/dev/null; end=$(now)
            times+=("$(seconds "$start" "$end")")
        done
        echo "| $backend | $route | $(printf '%s\n' "${times[@]}" | median) |"
    done
done
echo

echo "## Through a bastion: ProxyJump, and ProxyCommand running ssh -W"
echo
echo "The same sshd plays the bastion, so the extra cost is one more SSH login and a direct-tcpip"
echo "channel that carries the site's own SSH session (with ProxyCommand, OpenSSH's ssh does that"
echo "login in a child process). Both commands pay it twice: each reads the database, whose tunnel is a"
echo "second login that goes the same way."
echo
echo "| route | plugins list (s) | db check (s) |"
echo "| --- | --- | --- |"
jump_home=$(mktemp -d /tmp/wprescue-jump-home.XXXXXX)
mkdir -m 700 "$jump_home/.ssh"
account="    HostName $SSH_HOST
    Port $SSH_PORT
    User $SSH_USER
    IdentityFile $SSH_KEY"
command="/usr/bin/ssh -q -F none -i $SSH_KEY -o BatchMode=yes -o UserKnownHostsFile=$SSH_KNOWN_HOSTS -p $SSH_PORT $SSH_USER@$SSH_HOST -W %h:%p"
printf 'Host tb-site\n%s\n    ProxyJump tb-gate\nHost tb-gate\n%s\nHost tb-piped\n%s\n    ProxyCommand %s\n' \
    "$account" "$account" "$account" "$command" >"$jump_home/.ssh/config"
for route in direct ProxyJump ProxyCommand; do
    case $route in
        direct) site=("${sftp_site[@]}") home=$HOME ;;
        ProxyJump) site=(--site "tb-site:$SITE_PATH" --known-hosts "$SSH_KNOWN_HOSTS") home=$jump_home ;;
        ProxyCommand) site=(--site "tb-piped:$SITE_PATH" --known-hosts "$SSH_KNOWN_HOSTS") home=$jump_home ;;
    esac
    list_times=() check_times=()
    for ((run = 0; run < runs; run++)); do
        start=$(now); HOME=$home "$wprescue" "${site[@]}" plugins list >/dev/null; middle=$(now)
        HOME=$home "$wprescue" "${site[@]}" db check >/dev/null; end=$(now)
        list_times+=("$(seconds "$start" "$middle")"); check_times+=("$(seconds "$middle" "$end")")
    done
    echo "| sftp, $route | $(printf '%s\n' "${list_times[@]}" | median) | $(printf '%s\n' "${check_times[@]}" | median) |"
done
rm -rf "$jump_home"
