#!/usr/bin/env bash
# End-to-end: the preflight and the module's identity. Two runs against the
# simulator playing two firmware builds (--sim-revision): the identity is
# in results.json, junit.xml, report.html and results.tap, the IMEI masked
# in every file of the report directory, and `diff` names both revisions.
# Then a dead device: the simulator's pty with the simulator stopped
# (SIGSTOP: the line is there, nobody answers): the run exits 2 before any
# case, in under 15 s, with the "no answer" diagnosis.
# usage: preflight.sh HARNESS_BINARY SIM_BINARY PROJECT_DIR
set -uo pipefail
bin=$1 sim=$2 home=$3
fail() { echo "preflight.sh: FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq not installed (ci/deps.sh)"

w=$(mktemp -d /tmp/qftp-preflight.XXXXXX)
sim_pid=''
cleanup() {
  if [ -n "$sim_pid" ]; then
    kill -CONT "$sim_pid" 2>/dev/null
    kill -TERM "$sim_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$sim_pid" 2>/dev/null
    wait "$sim_pid" 2>/dev/null
  fi
  rm -rf "$w"
}
trap cleanup EXIT

imei=860000000051234 # the simulator's made-up IMEI
few='tag:smoke'

for rev in QFTPSIMR01A01 QFTPSIMR02A01; do
  echo "== the simulator as firmware $rev"
  "$bin" run --report-dir "$w/$rev" --filter "$few" --sim-revision "$rev" \
    >"$w/$rev.out" 2>&1; rc=$?
  cat "$w/$rev.out"
  [ "$rc" -eq 0 ] || fail "$rev: exit status $rc"
  grep -q "^module: Quectel QFTP-SIM rev $rev, IMEI \*\*\*\*1234, SIM ready, " "$w/$rev.out" ||
    fail "$rev: no module line on the console"
  j="$w/$rev/results.json"
  [ "$(jq -r .module.manufacturer "$j")" = Quectel ] || fail "$rev: manufacturer"
  [ "$(jq -r .module.model "$j")" = QFTP-SIM ] || fail "$rev: model"
  [ "$(jq -r .module.revision "$j")" = "$rev" ] || fail "$rev: revision"
  [ "$(jq -r .module.imei_masked "$j")" = '****1234' ] || fail "$rev: imei_masked"
  [ "$(jq -r '.module.ati | join("|")' "$j")" = "Quectel|QFTP-SIM|Revision: $rev" ] ||
    fail "$rev: ati lines: $(jq -c .module.ati "$j")"
  [ "$(jq -r .module.sim_ready "$j")" = true ] || fail "$rev: sim_ready"
  # No --module-revision: the revision waivers match is the one read.
  [ "$(jq -r .module_revision "$j")" = "$rev" ] || fail "$rev: module_revision"
  [ "$(jq -r .stop_reason "$j")" = null ] || fail "$rev: stop_reason $(jq -r .stop_reason "$j")"
  grep -q "<property name=\"module.revision\" value=\"$rev\"/>" "$w/$rev/junit.xml" ||
    fail "$rev: no module.revision property in junit.xml"
  grep -q "<b>module</b>: Quectel QFTP-SIM rev $rev, IMEI \*\*\*\*1234" "$w/$rev/report.html" ||
    fail "$rev: no module in the report.html header"
  grep -q "^# module: Quectel QFTP-SIM rev $rev, IMEI \*\*\*\*1234$" "$w/$rev/results.tap" ||
    fail "$rev: no module comment in results.tap"
  grep -q " > AT+QFTPCFG=?$" "$w/$rev/preflight.txt" || fail "$rev: preflight.txt lacks the exchange"
  grep -rq "$imei" "$w/$rev" && fail "$rev: the whole IMEI is in $(grep -rl "$imei" "$w/$rev")"
done

echo "== diff of the two builds"
"$bin" diff "$w/QFTPSIMR01A01" "$w/QFTPSIMR02A01" >"$w/diff.out" 2>&1; rc=$?
cat "$w/diff.out"
[ "$rc" -eq 0 ] || fail "diff: exit status $rc"
[ "$(head -n 1 "$w/diff.out")" = "module: QFTP-SIM rev QFTPSIMR01A01 vs QFTP-SIM rev QFTPSIMR02A01" ] ||
  fail "diff: first line is not the two identities"
grep -q "models differ" "$w/diff.out" && fail "diff: warns about models that are the same"

echo "== a waiver bound to a revision matches the revision the module reports"
cat >"$w/rev.yaml" <<'YAML'
waivers:
  - {case: at.echo, reason: R01 ignores ATE1, reference: FW-1, revision: QFTPSIMR01A01}
YAML
waived_run() { # REVISION: at.echo under no-echo, the waivers above
  "$bin" run --report-dir "$w/w-$1" --filter at.echo --sim-quirk no-echo \
    --sim-revision "$1" --waivers "$w/rev.yaml" >"$w/w-$1.out" 2>&1
}
waived_run QFTPSIMR01A01; rc1=$?
waived_run QFTPSIMR02A01; rc2=$?
cat "$w/w-QFTPSIMR01A01.out"
grep -q "^warning: the module does not echo after ATE1" "$w/w-QFTPSIMR01A01.out" ||
  fail "no-echo: no warning from the preflight"
[ "$rc1" -eq 0 ] || fail "waiver of R01 on R01: exit $rc1, expected 0"
[ "$(jq -r '.cases[0].verdict' "$w/w-QFTPSIMR01A01/results.json")" = waived ] || fail "R01: not waived"
[ "$rc2" -eq 1 ] || fail "waiver of R01 on R02: exit $rc2, expected 1"
[ "$(jq -r '.waivers[0].status' "$w/w-QFTPSIMR02A01/results.json")" = other-revision ] ||
  fail "R02: waiver status $(jq -r '.waivers[0].status' "$w/w-QFTPSIMR02A01/results.json")"

echo "== a dead device: a pty nobody answers on"
mkdir -p "$w/root"
"$sim" --link "$w/tty" --root "$w/root" --profile note \
  --profile-dir "$home/fixtures/profiles" >>"$w/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -e "$w/tty" ] && break; sleep 0.05; done
[ -e "$w/tty" ] || fail "qftp-sim made no pty: $(cat "$w/sim.log")"
kill -STOP "$sim_pid"
start=$(date +%s)
"$bin" run --device "$w/tty" --server-addr 127.0.0.1 --report-dir "$w/dead" \
  --filter "$few" >"$w/dead.out" 2>"$w/dead.err"; rc=$?
took=$(( $(date +%s) - start ))
cat "$w/dead.out" "$w/dead.err"
[ "$rc" -eq 2 ] || fail "dead: exit status $rc, expected 2"
[ "$took" -lt 15 ] || fail "dead: took $took s"
grep -q "preflight: no answer to AT on $w/tty: wrong port, or wrong baud?" "$w/dead.err" ||
  fail "dead: no diagnosis"
grep -q " > +++$" "$w/dead/preflight.txt" || fail "dead: no guarded +++ in preflight.txt"
[ "$(jq -r .stop_reason "$w/dead/results.json")" = preflight ] || fail "dead: stop_reason"
[ "$(jq -r .summary.total "$w/dead/results.json")" = 0 ] || fail "dead: a case ran"
grep -q 'type="preflight"' "$w/dead/junit.xml" || fail "dead: junit.xml does not say preflight"

echo "preflight.sh: OK"
