#!/usr/bin/env bash
# End-to-end: dropped packets are the capture's trouble, not the module's.
# qftp-capture is wrapped so that its stats lines (one per case: the run
# has one capture, cut per case) report 5 drops (the capture itself is
# real). A case with wire assertions (get.com) must end
# `error` with "capture dropped 5 packets: wire assertions not checked",
# never `fail`; a case without (at.echo) keeps `pass` with a note.
# usage: drops.sh HARNESS SIM PROXY CAPTURE OUT_DIR
set -uo pipefail
harness=$1 sim=$2 proxy=$3 capture=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/../../.." && pwd)
rm -rf "$out"
mkdir -p "$out/bin"
fail() { echo "drops.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "drops.sh: skipped, needs root"; exit 0; }
command -v jq >/dev/null || fail "jq is not installed"

# The harness runs the tools beside its own binary: a copy, the real
# simulator and proxy, and the wrapper as qftp-capture.
cp "$harness" "$out/bin/qftp-harness"
ln -s "$sim" "$out/bin/qftp-sim"
ln -s "$proxy" "$out/bin/qftp-proxy"
cat >"$out/bin/qftp-capture" <<WRAP
#!/usr/bin/env bash
fifo=\$(mktemp -u /tmp/qftp-drops-XXXXXX)
mkfifo "\$fifo"
sed -u 's/ dropped=0 / dropped=5 /' <"\$fifo" &
spid=\$!
# stdin kept (a background job's would be /dev/null): the harness's
# commands come on it.
"$capture" "\$@" <&0 >"\$fifo" &
cpid=\$!
# Forward the first SIGTERM; the harness's second one (when it reaps)
# must not cut the wait for the real exit status.
trap 'kill -TERM \$cpid; trap "" TERM INT' TERM INT
wait \$cpid
wait \$cpid
st=\$?
wait \$spid
rm -f "\$fifo"
exit \$st
WRAP
chmod +x "$out/bin/qftp-capture"

QFTP_HOME=$home "$out/bin/qftp-harness" run --report-dir "$out/r" \
  --filter 'get.com,at.echo' >"$out/run.log" 2>&1
rc=$?
[ $rc = 2 ] || fail "exit $rc, expected 2 (an error): $(tail -8 "$out/run.log")"
r="$out/r/results.json"
v=$(jq -r '.cases[] | select(.id == "get.com") | .verdict' "$r")
why=$(jq -r '.cases[] | select(.id == "get.com") | .reason' "$r")
[ "$v" = error ] || fail "get.com: verdict $v ($why), expected error"
[ "$why" = "capture dropped 5 packets: wire assertions not checked" ] ||
  fail "get.com: reason '$why'"
v=$(jq -r '.cases[] | select(.id == "at.echo") | .verdict' "$r")
[ "$v" = pass ] || fail "at.echo: verdict $v, expected pass"
jq -e '.cases[] | select(.id == "at.echo") | .transcript[] |
       select(.dir == "#" and (.text | test("capture dropped 5 packets \\(the case has no wire assertions\\)")))' \
  "$r" >/dev/null || fail "at.echo: no note of the drops"
echo "drops.sh: ok (get.com error, at.echo pass with a note)"
