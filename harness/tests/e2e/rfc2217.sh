#!/usr/bin/env bash
# End-to-end: the module over the network. qftp-sim is started by hand on
# a pty and Debian's ser2net serves that pty on loopback ports, once as
# telnet(rfc2217) and once as raw tcp; the harness runs cases through
# rfc2217:// and tcp://. Then ser2net is killed in the middle of a case and
# started again: the run waits for the device and goes on (the case in
# flight is an error, nothing fails). With --max-module-errors 1 the run
# stops after that case; killed for good (--device-wait 2), the run stops
# once the wait is over; the rest is not run, exit 2. A dead port is diagnosed at
# once. The same for a tty that vanishes (the simulator's pty used as a
# device). Every process started here is stopped, every file removed.
# usage: rfc2217.sh HARNESS_BINARY SIM_BINARY PROJECT_DIR
set -uo pipefail
bin=$1 sim=$2 home=$3
scale=0.05
fail() { echo "rfc2217.sh: FAIL: $*" >&2; exit 1; }
command -v ser2net >/dev/null || { echo "rfc2217.sh: ser2net not installed (ci/deps.sh)"; exit 77; }
command -v jq >/dev/null || fail "jq not installed (ci/deps.sh)"

w=$(mktemp -d /tmp/qftp-rfc2217.XXXXXX)
sim_pid='' s2n_pid='' h=''
stop() { # pid: TERM, bounded wait, KILL
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
cleanup() {
  stop "$h"; stop "$s2n_pid"; stop "$sim_pid"
  rm -rf "$w"
}
trap cleanup EXIT

free_port() { # a loopback port nothing listens on
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  fail "no free port"
}
rfc_port=$(free_port) raw_port=$(free_port) dead_port=$(free_port)
[ "$rfc_port" != "$raw_port" ] || raw_port=$((rfc_port + 1))

mkdir -p "$w/root"
start_sim() {
  "$sim" --link "$w/tty" --root "$w/root" --time-scale "$scale" --profile note \
    --profile-dir "$home/fixtures/profiles" >>"$w/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 100); do [ -e "$w/tty" ] && return 0; sleep 0.05; done
  fail "qftp-sim made no pty: $(cat "$w/sim.log")"
}
start_sim

cat >"$w/ser2net.yaml" <<YAML
connection: &rfc
  accepter: telnet(rfc2217),tcp,127.0.0.1,$rfc_port
  connector: serialdev,$w/tty,115200n81,local
connection: &raw
  accepter: tcp,127.0.0.1,$raw_port
  connector: serialdev,$w/tty,115200n81,local
YAML
start_ser2net() {
  ser2net -n -d -u -c "$w/ser2net.yaml" >>"$w/ser2net.log" 2>&1 &
  s2n_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$rfc_port") 2>/dev/null && return 0
    sleep 0.05
  done
  fail "ser2net does not listen: $(cat "$w/ser2net.log")"
}
start_ser2net
# ser2net serves one client per port: the probe's connection must be gone.
sleep 0.3

# The FTP servers get a loopback address of their own: the per-case capture
# ("host ADDR") must not see the ser2net connection on 127.0.0.1 (a
# download through it doubles the packets; a full capture buffer drops).
srv_addr="127.78.$(( $$ / 254 % 256 )).$(( $$ % 254 + 1 ))"
run() { # report-dir device [args...]
  local rd=$1 dev=$2; shift 2
  "$bin" run --device "$dev" --server-addr "$srv_addr" --time-scale "$scale" \
    --report-dir "$w/$rd" "$@"
}
verdict() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .verdict' "$w/$1/results.json"; }
count() { jq -r ".summary.$2" "$w/$1/results.json"; }

few='tag:smoke,at.garbage,at.echo-crlf-get'

echo "== rfc2217://127.0.0.1:$rfc_port"
run r-rfc "rfc2217://127.0.0.1:$rfc_port" --filter "$few"; rc=$?
[ "$rc" -eq 0 ] || fail "rfc2217: exit status $rc"
[ "$(count r-rfc fail)" = 0 ] && [ "$(count r-rfc error)" = 0 ] || fail "rfc2217: not all passed"
[ "$(verdict r-rfc get.com)" = pass ] || fail "rfc2217: get.com (binary data) did not pass"

echo "== tcp://127.0.0.1:$raw_port"
run r-raw "tcp://127.0.0.1:$raw_port" --filter "$few,tag:needs:dtr" --baud 9600 \
  2>"$w/raw.err"; rc=$?
cat "$w/raw.err"
[ "$rc" -eq 0 ] || fail "tcp: exit status $rc"
grep -q "do not apply to tcp://" "$w/raw.err" || fail "tcp: no warning about --baud"
[ "$(count r-raw fail)" = 0 ] && [ "$(count r-raw error)" = 0 ] || fail "tcp: not all passed"
dtr=$(jq -r '.cases[] | select(.tags | index("needs:dtr")) | "\(.verdict) \(.reason)"' "$w/r-raw/results.json")
case "$dtr" in "skip needs:dtr: tcp://"*) ;; *) fail "tcp: needs:dtr case: $dtr" ;; esac

# The loss cases: net.a-device-lost sleeps 3 s after its login, the device
# goes away in that sleep; net.b-after and net.c-after follow.
net="$(cd "$(dirname "$0")" && pwd)/net-cases"
wait_case() { # report-dir case-id: bounded wait until the case started
  for _ in $(seq 1 300); do [ -d "$w/$1/cases/$2" ] && return 0; sleep 0.05; done
  fail "$1: case $2 never started"
}
wait_run() { # label: bounded wait for the run in $h, its status in rc
  for _ in $(seq 1 1200); do kill -0 "$h" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$h" 2>/dev/null && fail "$1: the run is still going after 120 s"
  wait "$h"; rc=$?; h=''
}
kill_ser2net() { kill -KILL "$s2n_pid"; wait "$s2n_pid" 2>/dev/null; s2n_pid=''; }
field() { jq -r --arg id "$2" ".cases[] | select(.id == \$id) | .$3" "$w/$1/results.json"; }

echo "== ser2net killed mid-case, back after 5 s"
run r-loss "rfc2217://127.0.0.1:$rfc_port" "$net" >"$w/loss.out" 2>&1 &
h=$!
wait_case r-loss net.a-device-lost
sleep 1
kill_ser2net
sleep 5
start_ser2net
wait_run loss
cat "$w/loss.out"
[ "$rc" -eq 2 ] || fail "loss: exit status $rc, expected 2 (one error)"
grep -q "waiting for the device (rfc2217://127.0.0.1:$rfc_port) up to 60 s" "$w/loss.out" ||
  fail "loss: no 'waiting for the device'"
grep -q "restarting" "$w/loss.out" && fail "loss: says restarting about hardware"
[ "$(field r-loss net.a-device-lost verdict)" = error ] || fail "loss: the case in flight is not an error"
field r-loss net.a-device-lost reason | grep -q "rfc2217://127.0.0.1:$rfc_port: connection closed by peer" ||
  fail "loss: reason: $(field r-loss net.a-device-lost reason)"
[ "$(verdict r-loss net.b-after)" = pass ] || fail "loss: b: $(field r-loss net.b-after reason)"
[ "$(verdict r-loss net.c-after)" = pass ] || fail "loss: c: $(field r-loss net.c-after reason)"
[ "$(jq -r .interrupted "$w/r-loss/results.json")" = false ] || fail "loss: the run did not go on"
[ "$(jq -r .stop_reason "$w/r-loss/results.json")" = null ] || fail "loss: a stop_reason"
# The device came back: the preflight ran again, in the same transcript.
grep -q "preflight of .*: after the device came back" "$w/r-loss/preflight.txt" ||
  fail "loss: no preflight after the device came back"

echo "== ser2net killed mid-case, --max-module-errors 1"
run r-max "rfc2217://127.0.0.1:$rfc_port" "$net" --max-module-errors 1 >"$w/max.out" 2>&1 &
h=$!
wait_case r-max net.a-device-lost
sleep 1
kill_ser2net
wait_run max
start_ser2net
cat "$w/max.out"
[ "$rc" -eq 2 ] || fail "max: exit status $rc, expected 2"
grep -q "stopping the run: 1 consecutive" "$w/max.out" || fail "max: no reason on the console"
[ "$(count r-max total)" = 1 ] && [ "$(count r-max error)" = 1 ] || fail "max: ran more than the case in flight"
[ "$(jq -r .interrupted "$w/r-max/results.json")" = true ] &&
  [ "$(jq -r .planned "$w/r-max/results.json")" = 3 ] || fail "max: the rest is not marked not run"
[ "$(jq -r .stop_reason "$w/r-max/results.json")" = max-module-errors ] ||
  fail "max: stop_reason $(jq -r .stop_reason "$w/r-max/results.json")"
jq -r '.cases[0].transcript' "$w/r-max/results.json" | grep -q "run stopped: 1 consecutive" ||
  fail "max: no reason in results.json"
for f in junit.xml report.html results.tap; do [ -s "$w/r-max/$f" ] || fail "max: no $f"; done
# A stopped run leaves the module as the lost case had it (logged in, a
# context active); a run on hardware begins with whatever it finds. Here
# the module starts afresh.
stop "$sim_pid"; sim_pid=''
start_sim

echo "== ser2net killed for good (--device-wait 2)"
run r-gone "rfc2217://127.0.0.1:$rfc_port" "$net" --device-wait 2 >"$w/gone.out" 2>&1 &
h=$!
wait_case r-gone net.a-device-lost
sleep 1
kill_ser2net
wait_run gone
cat "$w/gone.out"
[ "$rc" -eq 2 ] || fail "gone: exit status $rc, expected 2"
grep -q "waiting for the device (rfc2217://127.0.0.1:$rfc_port) up to 2 s" "$w/gone.out" ||
  fail "gone: no 'waiting for the device'"
field r-gone net.b-after reason | grep -q "did not come back within 2 s" || fail "gone: no diagnosis"
[ "$(count r-gone fail)" = 0 ] || fail "gone: a case failed"
[ "$(count r-gone total)" = 2 ] || fail "gone: $(count r-gone total) cases ran, expected 2"
[ "$(jq -r .interrupted "$w/r-gone/results.json")" = true ] || fail "gone: the rest is not marked not run"
[ "$(jq -r .stop_reason "$w/r-gone/results.json")" = device-lost ] ||
  fail "gone: stop_reason $(jq -r .stop_reason "$w/r-gone/results.json")"
jq -r .stop_detail "$w/r-gone/results.json" | grep -q "did not come back within 2 s" ||
  fail "gone: stop_detail $(jq -r .stop_detail "$w/r-gone/results.json")"
for f in junit.xml report.html results.tap; do [ -s "$w/r-gone/$f" ] || fail "gone: no $f"; done
stop "$sim_pid"; sim_pid=''
start_sim

echo "== a tty that vanishes: the simulator's pty, the simulator killed and started again"
run r-tty "$w/tty" "$net" >"$w/tty.out" 2>&1 &
h=$!
wait_case r-tty net.a-device-lost
sleep 1
kill -KILL "$sim_pid"; wait "$sim_pid" 2>/dev/null; sim_pid=''
rm -f "$w/tty" # what the device node does on a USB re-enumeration
sleep 3
start_sim
wait_run tty
cat "$w/tty.out"
[ "$rc" -eq 2 ] || fail "tty: exit status $rc, expected 2 (one error)"
grep -q "waiting for the device ($w/tty) up to 60 s" "$w/tty.out" || fail "tty: no 'waiting for the device'"
[ "$(field r-tty net.a-device-lost verdict)" = error ] || fail "tty: the case in flight is not an error"
field r-tty net.a-device-lost reason | grep -q "device $w/tty vanished" ||
  fail "tty: reason: $(field r-tty net.a-device-lost reason)"
[ "$(verdict r-tty net.b-after)" = pass ] || fail "tty: b: $(field r-tty net.b-after reason)"
[ "$(verdict r-tty net.c-after)" = pass ] || fail "tty: c: $(field r-tty net.c-after reason)"

echo "== a dead port"
start=$(date +%s)
run r-dead "rfc2217://127.0.0.1:$dead_port" --filter "$few" 2>"$w/dead.err"; rc=$?
took=$(( $(date +%s) - start ))
cat "$w/dead.err"
[ "$rc" -eq 2 ] || fail "dead: exit status $rc, expected 2"
[ "$took" -lt 15 ] || fail "dead: took $took s"
grep -q "rfc2217://127.0.0.1:$dead_port: cannot connect: Connection refused" "$w/dead.err" ||
  fail "dead: no diagnosis"

echo "rfc2217.sh: OK"
