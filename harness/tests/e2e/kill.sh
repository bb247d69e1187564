#!/usr/bin/env bash
# End-to-end: kill qftp-sim, then vsftpd, in the middle of a run. The case
# running at the time must be an error (the environment's doing, not the
# module's: never fail) with a reason that names the victim, the
# next case must pass (the harness restarts what it owns), the reports must
# be written, and nothing the run started may be left behind. A case that
# leaves the module busy is followed by a reset, not a new simulator.
# usage: kill.sh HARNESS_BINARY OUT_DIR
set -uo pipefail
bin=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
fail() { echo "kill.sh: FAIL: $*" >&2; exit 1; }

wait_dir() { # waits (bounded) until the case directory appears
  for _ in $(seq 1 300); do [ -d "$out/cases/$1" ] && return 0; sleep 0.05; done
  fail "case $1 never started"
}

"$bin" run "$here/kill-cases" --report-dir "$out" >"$out.stdout" 2>&1 &
h=$!

wait_dir kill.a-sim-victim
sleep 1.5
sim=$(pgrep -P "$h" -x qftp-sim) || fail "no qftp-sim child of the harness"
kill -KILL "$sim"

wait_dir kill.c-server-victim
sleep 1.5
ns=$(pgrep -P "$h" -x unshare) || fail "no vsftpd (unshare) child of the harness"
init=$(pgrep -P "$ns") || fail "no PID 1 in vsftpd's namespace"
listener=$(pgrep -P "$init" -x vsftpd) || fail "no vsftpd in its namespace"
kill -KILL "$listener"

for _ in $(seq 1 600); do kill -0 "$h" 2>/dev/null || break; sleep 0.1; done
kill -0 "$h" 2>/dev/null && { kill -KILL "$h"; fail "harness still running after 60 s"; }
wait "$h"; rc=$?
cat "$out.stdout"
[ "$rc" -eq 2 ] || fail "exit status $rc, expected 2 (cases in error)"

verdict() { jq -r --arg id "$1" '.cases[] | select(.id == $id) | .verdict' "$out/results.json"; }
reason() { jq -r --arg id "$1" '.cases[] | select(.id == $id) | .reason' "$out/results.json"; }
[ "$(verdict kill.a-sim-victim)" = error ] || fail "a: $(verdict kill.a-sim-victim)"
reason kill.a-sim-victim | grep -q "qftp-sim killed by SIGKILL" || fail "a: reason: $(reason kill.a-sim-victim)"
[ "$(verdict kill.b-after-sim)" = pass ] || fail "b: $(reason kill.b-after-sim)"
[ "$(verdict kill.c-server-victim)" = error ] || fail "c: $(verdict kill.c-server-victim)"
reason kill.c-server-victim | grep -q "vsftpd" || fail "c: reason does not name vsftpd: $(reason kill.c-server-victim)"
[ "$(verdict kill.d-after-server)" = pass ] || fail "d: $(reason kill.d-after-server)"
[ -s "$out/junit.xml" ] || fail "no junit.xml"
grep -q "module restarted" "$out/cases/kill.b-after-sim/transcript.txt" || fail "b: restart not noted"
# A module left busy (603 to the teardown's close) is reset, not restarted:
# the simulator started twice (at the run's start, after the kill), and
# the case after the busy one passes on the same process.
[ "$(verdict kill.e-leaves-busy)" = pass ] || fail "e: $(reason kill.e-leaves-busy)"
grep -q "busy: it will be reset or restarted" "$out/cases/kill.e-leaves-busy/transcript.txt" || fail "e: busy not noted"
[ "$(verdict kill.f-after-busy)" = pass ] || fail "f: $(reason kill.f-after-busy)"
grep -q "module reset to power-on without a restart (it was still busy after the case (603))" \
  "$out/cases/kill.f-after-busy/transcript.txt" || fail "f: reset not noted"
starts=$(grep -c "qftp-sim: serving" "$out/qftp-sim.log")
[ "$starts" -eq 2 ] || fail "qftp-sim started $starts times, expected 2 (run start, after the kill)"
grep -q "control: reset to power-on" "$out/qftp-sim.log" || fail "no reset in the simulator's log"

sleep 0.2
# Everything the run started names its work directory (the simulator's
# link, the servers' configs); none of it may outlive the run.
work=$(sed -n 's|^module: qftp-sim on \(/tmp/qftp-run-[A-Za-z0-9]*\)/.*|\1|p' "$out.stdout")
[ -n "$work" ] || fail "no work directory in the output"
pgrep -f "$work" >/dev/null && fail "left running: $(pgrep -af "$work")"
[ -e "$work" ] && fail "work directory $work left behind"
getent passwd | grep -q "qftp-harness pid $h" && fail "the generated user is left"
echo "kill.sh: OK"
