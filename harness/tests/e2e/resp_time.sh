#!/usr/bin/env bash
# End-to-end: the note's maximum response times (harness/resp_time.h).
# A simulator slowed past AT+QFTPCFG's 300 ms (2.1) fails a case that
# otherwise passes, naming the bound, with a response-time failure record;
# slowed within the tolerance, and not slowed, the case passes; --sim-slow
# is refused with --device, and a CMD the simulator does not know is its
# error, named. At --time-scale 1, so the host margin is 250 ms.
# usage: resp_time.sh HARNESS_BINARY SIM_BINARY OUT_DIR
set -uo pipefail
bin=$1 sim=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
cases=$(cd "$here/../../../cases" && pwd)
rm -rf "$out"
mkdir -p "$out"
fail() { echo "resp_time.sh: FAIL: $*" >&2; exit 1; }

run() { # NAME [extra args...]: cfg.account-255 (three AT+QFTPCFG, no server)
  local name=$1; shift
  "$bin" run "$cases" --sim-binary "$sim" --time-scale 1 \
    --filter cfg.account-255 --report-dir "$out/$name" "$@" \
    >"$out/$name.stdout" 2>&1
}
q() { jq -r "$2" "$out/$1/results.json"; }

run slow --sim-slow AT+QFTPCFG=1000
rc=$?
[ "$rc" -eq 1 ] || { cat "$out/slow.stdout"; fail "slowed: exit $rc, expected 1"; }
grep -q 'AT+QFTPCFG answered OK after 1[0-9][0-9][0-9] ms, the note allows 300 ms (2.1; tolerance 10 % + 250 ms host time)' \
  "$out/slow.stdout" || { cat "$out/slow.stdout"; fail "slowed: the reason does not name the bound"; }
grep -m1 'the note allows' "$out/slow.stdout"
[ "$(q slow '.cases[0].failure.kind')" = response-time ] ||
  fail "slowed: failure kind $(q slow '.cases[0].failure.kind')"
[ "$(q slow '.cases[0].failure.where')" != null ] || fail "slowed: failure without where"
[ "$(q slow '.cases[0].response_checks.checked')" = 3 ] ||
  fail "slowed: checked $(q slow '.cases[0].response_checks.checked'), expected 3"
[ "$(q slow '.cases[0].response_checks.late | length')" = 3 ] || fail "slowed: not 3 late"
[ "$(q slow '.cases[0].response_checks.late[0].limit_s')" = 0.58 ] ||
  fail "slowed: limit_s $(q slow '.cases[0].response_checks.late[0].limit_s'), expected 0.58"

# 200 ms is within 300 ms: no failure.
run within --sim-slow AT+QFTPCFG=200
rc=$?
[ "$rc" -eq 0 ] || { cat "$out/within.stdout"; fail "within the bound: exit $rc, expected 0"; }

run plain
rc=$?
[ "$rc" -eq 0 ] || { cat "$out/plain.stdout"; fail "not slowed: exit $rc, expected 0"; }
[ "$(q plain '.cases[0].response_checks | "\(.checked) \(.late | length)"')" = "3 0" ] ||
  fail "not slowed: response_checks $(q plain '.cases[0].response_checks')"

"$bin" run "$cases" --device /dev/null --server-addr 127.0.0.1 \
  --sim-slow AT+QFTPCFG=5 --filter cfg.account-255 --report-dir "$out/dev" \
  >"$out/dev.stdout" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--sim-slow needs the simulator' "$out/dev.stdout" ||
  { cat "$out/dev.stdout"; fail "--sim-slow with --device: exit $rc, expected 2"; }

run unknown --sim-slow AT+NOPE=5
rc=$?
[ "$rc" -eq 2 ] && grep -q 'AT+NOPE is not a command the simulator knows' "$out/unknown.stdout" ||
  { cat "$out/unknown.stdout"; fail "unknown CMD: exit $rc, expected 2 naming it"; }
echo "resp_time.sh: ok"
