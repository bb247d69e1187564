#!/usr/bin/env bash
# End-to-end: credentials never in clear in a report. A run of the open.*
# cases (they log in with the run's generated password) must pass; then
# the account line of every transcript reads "account","<user>","********",
# every PASS line of server.log reads PASS ****, and the generated password
# (taken from wire.pcap, the capture, which keeps what crossed the wire)
# is nowhere in the report directory but in wire.pcap, nor in what the run
# printed.
# usage: secrets.sh HARNESS_BINARY SIM_BINARY OUT_DIR
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../../../cases" && pwd)
rm -rf "$out"
mkdir -p "$out"
fail() { echo "secrets.sh: FAIL: $*" >&2; exit 1; }
r=$out/report

"$bin" run "$cases" --sim-binary "$sim" --filter 'open.*' --report-dir "$r" \
  >"$out/console.txt" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { cat "$out/console.txt"; fail "run: exit $rc, expected 0"; }

# The account line names the user and hides the password.
user=$(grep -rhoE 'AT\+QFTPCFG="account","[^"]+"' "$r"/cases/*/transcript.txt |
       head -1 | sed -E 's/.*"account","([^"]+)"/\1/')
[ -n "$user" ] || fail "no account line in any transcript"
n=$(grep -rhF "AT+QFTPCFG=\"account\",\"$user\",\"********\"" "$r"/cases/*/transcript.txt | wc -l)
[ "$n" -gt 0 ] || fail "no account line reads \"account\",\"$user\",\"********\""

# vsftpd's protocol log has the PASS commands; the copies hide them.
pass_lines=$(grep -rh 'PASS ' "$r"/cases/*/server.log)
[ -n "$pass_lines" ] || fail "no PASS line in any server.log (log_ftp_protocol off?)"
bad=$(printf '%s\n' "$pass_lines" | grep -v '"PASS \*\*\*\*"')
[ -z "$bad" ] || fail "PASS line not redacted in server.log: $bad"

# The password the module logged in with, from the capture (plain FTP):
# the generated one is 16 of [a-z0-9] (servers/srv_user.c); a case's own
# wrong password is not a secret of the run.
pw=$(for f in "$r"/cases/*/wire.pcap; do grep -aoE 'PASS [a-z0-9-]+' "$f"; done |
     sed 's/^PASS //' | grep -xE '[a-z0-9]{16}' | sort -u)
[ -n "$pw" ] || fail "no generated password in any wire.pcap: the capture must keep what crossed the wire"
[ "$(printf '%s\n' "$pw" | wc -l)" -eq 1 ] || fail "more than one generated password: $pw"
leak=$(grep -rlF --exclude=wire.pcap -- "$pw" "$r")
[ -z "$leak" ] || fail "the generated password is in clear in: $leak"
! grep -qF -- "$pw" "$out/console.txt" || fail "the generated password is in the console output"
echo "secrets.sh: OK (user $user, password hidden in every report file)"
