#!/usr/bin/env bash
# End-to-end: the module over the network. qftp-sim is started by hand on
# a pty and Debian's ser2net serves that pty on loopback ports, once as
# telnet(rfc2217) and once as raw tcp; the harness runs cases through
# rfc2217:// and tcp://. Then ser2net is killed in the middle of a run and
# started again: the run waits for the device and goes on (at most the
# case in flight is an error, nothing fails). Then it is killed for good:
# the run stops, the rest is not run, exit 2. A dead port is diagnosed at
# once. Every process started here is stopped, every file removed.
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
"$sim" --link "$w/tty" --root "$w/root" --time-scale "$scale" --profile note \
  --profile-dir "$home/fixtures/profiles" >"$w/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -e "$w/tty" ] && break; sleep 0.05; done
[ -e "$w/tty" ] || fail "qftp-sim made no pty: $(cat "$w/sim.log")"

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

echo "== ser2net killed mid-run, back after 5 s"
long='tag:smoke,at.*,get.*'
run r-loss "rfc2217://127.0.0.1:$rfc_port" --filter "$long" >"$w/loss.out" 2>&1 &
h=$!
for _ in $(seq 1 300); do [ -d "$w/r-loss/cases" ] && [ "$(ls "$w/r-loss/cases" | wc -l)" -ge 3 ] && break; sleep 0.05; done
sleep 0.3
kill -KILL "$s2n_pid"; wait "$s2n_pid" 2>/dev/null; s2n_pid=''
sleep 5
start_ser2net
for _ in $(seq 1 1200); do kill -0 "$h" 2>/dev/null || break; sleep 0.1; done
kill -0 "$h" 2>/dev/null && fail "loss: the run is still going after 120 s"
wait "$h"; rc=$?; h=''
cat "$w/loss.out"
grep -q "waiting for the device (rfc2217://127.0.0.1:$rfc_port) up to 60 s" "$w/loss.out" ||
  fail "loss: no 'waiting for the device'"
grep -q "restarting" "$w/loss.out" && fail "loss: says restarting about hardware"
[ "$(count r-loss fail)" = 0 ] || fail "loss: a case failed"
[ "$(count r-loss error)" -le 1 ] || fail "loss: more than the case in flight is an error"
[ "$(jq -r .interrupted "$w/r-loss/results.json")" = false ] || fail "loss: the run did not go on"
[ "$(count r-loss total)" = "$(jq -r .planned "$w/r-loss/results.json")" ] || fail "loss: not every case ran"
if [ "$(count r-loss error)" = 1 ]; then
  [ "$rc" -eq 2 ] || fail "loss: one error, exit status $rc"
  jq -r '.cases[] | select(.verdict == "error") | .reason' "$w/r-loss/results.json" |
    grep -q "connection closed by peer\|not open" || fail "loss: the error does not say why"
else
  [ "$rc" -eq 0 ] || fail "loss: exit status $rc"
fi

echo "== ser2net killed for good (--device-wait 2)"
run r-gone "rfc2217://127.0.0.1:$rfc_port" --filter "$long" --device-wait 2 >"$w/gone.out" 2>&1 &
h=$!
for _ in $(seq 1 300); do [ -d "$w/r-gone/cases" ] && [ "$(ls "$w/r-gone/cases" | wc -l)" -ge 2 ] && break; sleep 0.05; done
sleep 0.3
kill -KILL "$s2n_pid"; wait "$s2n_pid" 2>/dev/null; s2n_pid=''
for _ in $(seq 1 600); do kill -0 "$h" 2>/dev/null || break; sleep 0.1; done
kill -0 "$h" 2>/dev/null && fail "gone: the run is still going after 60 s"
wait "$h"; rc=$?; h=''
cat "$w/gone.out"
[ "$rc" -eq 2 ] || fail "gone: exit status $rc, expected 2"
grep -q "did not come back within 2 s" "$w/gone.out" || fail "gone: no diagnosis"
[ "$(count r-gone fail)" = 0 ] || fail "gone: a case failed"
[ "$(jq -r .interrupted "$w/r-gone/results.json")" = true ] || fail "gone: the rest is not marked not run"
[ "$(count r-gone total)" -lt "$(jq -r .planned "$w/r-gone/results.json")" ] || fail "gone: every case ran"
jq -r '.cases[-1].transcript' "$w/r-gone/results.json" | grep -q "run stopped" ||
  jq -r '.cases[-1]' "$w/r-gone/results.json" | grep -q "run stopped" || fail "gone: no reason in results.json"
for f in junit.xml report.html results.tap; do [ -s "$w/r-gone/$f" ] || fail "gone: no $f"; done

echo "== a tty that vanishes: the simulator's pty, the simulator killed and started again"
start_sim() {
  "$sim" --link "$w/tty" --root "$w/root" --time-scale "$scale" --profile note \
    --profile-dir "$home/fixtures/profiles" >>"$w/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 100); do [ -e "$w/tty" ] && return 0; sleep 0.05; done
  fail "qftp-sim made no pty: $(cat "$w/sim.log")"
}
run r-tty "$w/tty" --filter "$long" >"$w/tty.out" 2>&1 &
h=$!
for _ in $(seq 1 300); do [ -d "$w/r-tty/cases" ] && [ "$(ls "$w/r-tty/cases" | wc -l)" -ge 3 ] && break; sleep 0.05; done
sleep 0.3
kill -KILL "$sim_pid"; wait "$sim_pid" 2>/dev/null; sim_pid=''
rm -f "$w/tty" # what the device node does on a USB re-enumeration
sleep 3
start_sim
for _ in $(seq 1 1200); do kill -0 "$h" 2>/dev/null || break; sleep 0.1; done
kill -0 "$h" 2>/dev/null && fail "tty: the run is still going after 120 s"
wait "$h"; rc=$?; h=''
cat "$w/tty.out"
grep -q "waiting for the device ($w/tty) up to 60 s" "$w/tty.out" || fail "tty: no 'waiting for the device'"
[ "$(count r-tty fail)" = 0 ] || fail "tty: a case failed"
[ "$(count r-tty error)" -le 1 ] || fail "tty: more than the case in flight is an error"
[ "$(count r-tty total)" = "$(jq -r .planned "$w/r-tty/results.json")" ] || fail "tty: not every case ran"
if [ "$(count r-tty error)" = 1 ]; then
  jq -r '.cases[] | select(.verdict == "error") | .reason' "$w/r-tty/results.json" |
    grep -q "device $w/tty vanished" || fail "tty: the error does not say the device vanished"
fi

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
