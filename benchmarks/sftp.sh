#!/usr/bin/env bash
# SFTP backend benchmark: wprescue's libssh2 layer against OpenSSH's sftp client, same
# server, same key, same files, on loopback.
#   1. whole-file read of a 256 MiB file (goal: at least 0.7x OpenSSH's throughput)
#   2. reading the last 10 MiB of a 1 GiB file (goal: at most 0.15 s)
# Needs root (starts its own sshd on a free port and uses the local account
# wprescue-sftp-test, created if missing, as the tests do). Prints a Markdown table.
# Usage: benchmarks/sftp.sh [RUNS]      (default 5 runs each; the median is reported)
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
user=wprescue-sftp-test
[ "$(id -u)" = 0 ] || { echo "run as root: it starts sshd and uses the account $user" >&2; exit 1; }

work=$(mktemp -d /tmp/wprescue-sftp-bench-XXXXXX)
sshd_pid=
cleanup() {
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null && wait "$sshd_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$user"
# UsePAM no refuses even keys for a locked account: give it a random password.
echo "$user:$(head -c 18 /dev/urandom | base64)" | chpasswd
mkdir -p /run/sshd

echo "building wprescue-sftpbench (release)..." >&2
(cd "$root" && swift build -c release --product wprescue-sftpbench >&2)
bench="$root/.build/release/wprescue-sftpbench"

ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $user
Subsystem sftp internal-sftp
EOF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" > "$work/known_hosts"

load=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir "$work/files"
head -c 256M /dev/urandom > "$work/files/file-256m"
head -c 1G /dev/urandom > "$work/files/file-1g"
chown -R "$user" "$work/files"

median() { sort -n | awk '{ value[NR] = $1 } END { print value[int((NR + 1) / 2)] }'; }
# field NAME: the value of NAME=VALUE in wprescue-sftpbench's output lines on stdin.
field() { awk -v key="$1" '{ for (i = 1; i <= NF; i++) { split($i, pair, "="); if (pair[1] == key) print pair[2] } }'; }
now() { date +%s.%N; }
address="sftp://$user@127.0.0.1:$port"
ssh_options=(-i "$work/client_key" -o "UserKnownHostsFile=$work/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes -P "$port")

# Whole-file read: wall time of each client from start to exit (connection included), and
# for wprescue also the time of the read call alone. The two clients alternate, so load
# from other work on the machine falls on both alike; the ratio is the median of the pairs.
for _ in $(seq "$runs"); do
    start=$(now)
    echo "get $work/files/file-256m /dev/null" | sftp -q -b - "${ssh_options[@]}" "$user@127.0.0.1" >/dev/null
    openssh=$(echo "$(now) - $start" | bc)
    start=$(now)
    line=$("$bench" "$address" --identity "$work/client_key" --known-hosts "$work/known_hosts" read "$work/files/file-256m")
    ours=$(echo "$(now) - $start" | bc)
    echo "$line" >> "$work/ours-read-lines"
    echo "$openssh $ours $(echo "$line" | field seconds) $(echo "scale=4; $openssh / $ours" | bc)"
done > "$work/read-pairs"

# Tail read: the read call alone, and the bytes that crossed the socket for it.
for _ in $(seq "$runs"); do
    "$bench" "$address" --identity "$work/client_key" --known-hosts "$work/known_hosts" tail "$work/files/file-1g" 10485760
done > "$work/ours-tail"
cat "$work/read-pairs" "$work/ours-read-lines" "$work/ours-tail" >&2
start=$(now)
echo "get $work/files/file-1g /dev/null" | sftp -q -b - "${ssh_options[@]}" "$user@127.0.0.1" >/dev/null
openssh_1g=$(echo "$(now) - $start" | bc)

three() { printf '%.3f' "$1"; }
column() { awk -v n="$1" '{ print $n }' "$work/read-pairs" | median; }
openssh_read=$(three "$(column 1)")
ours_wall=$(three "$(column 2)")
ours_inner=$(three "$(column 3)")
ratio=$(printf '%.2f' "$(column 4)")
openssh_1g=$(three "$openssh_1g")
tail_seconds=$(three "$(field seconds < "$work/ours-tail" | median)")
tail_received=$(field received < "$work/ours-tail" | median)
mib() { echo "scale=1; 256 / $1" | bc; }

cat <<EOF
Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores (load average before: $load), $(ssh -V 2>&1 | cut -d, -f1) server and client, libssh2 $(dpkg-query -W -f='${Version}' libssh2-1 2>/dev/null), median of $runs runs.
Command: \`benchmarks/sftp.sh $runs\`

| measurement | OpenSSH sftp | wprescue (libssh2) | ratio / goal |
| --- | --- | --- | --- |
| read 256 MiB, wall time incl. connect | ${openssh_read} s ($(mib "$openssh_read") MiB/s) | ${ours_wall} s ($(mib "$ours_wall") MiB/s) | ${ratio}x, median of the pairs (goal >= 0.7x) |
| read 256 MiB, read call only | | ${ours_inner} s ($(mib "$ours_inner") MiB/s) | |
| last 10 MiB of a 1 GiB file | whole file: ${openssh_1g} s | ${tail_seconds} s, $(echo "scale=2; $tail_received / 1048576" | bc) MiB received | goal <= 0.15 s |
EOF
