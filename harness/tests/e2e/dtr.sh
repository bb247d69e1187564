#!/usr/bin/env bash
# End-to-end: the cases tagged needs:dtr run against the simulator. qftp-sim
# serves its AT port as an RFC 2217 server (--rfc2217 0: a free port, which
# its log names) and the harness reaches it as a module in a lab, through
# rfc2217://, where a dtr step is a SET-CONTROL DTR ON/OFF. Every needs:dtr
# case runs (none skipped) and passes. Against --quirk ignore-dtr every one
# of them fails that expects a DTR drop to do something (AT&D1, AT&D2), on
# the OK that never comes, and the AT&D0 case still passes.
# usage: dtr.sh HARNESS_BINARY SIM_BINARY PROJECT_DIR
set -uo pipefail
bin=$1 sim=$2 home=$3
scale=0.05
fail() { echo "dtr.sh: FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq not installed (ci/deps.sh)"

w=$(mktemp -d /tmp/qftp-dtr.XXXXXX)
sim_pid=''
stop() { # pid: TERM, bounded wait, KILL
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
cleanup() { stop "$sim_pid"; rm -rf "$w"; }
trap cleanup EXIT

port=''
start_sim() { # log-name [sim args...]: sets sim_pid and port
  local log="$w/$1.log"; shift
  mkdir -p "$w/root"
  "$sim" --rfc2217 0 --root "$w/root" --time-scale "$scale" --profile note \
    --profile-dir "$home/fixtures/profiles" "$@" >"$log" 2>&1 &
  sim_pid=$!
  port=''
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*rfc2217: serving the AT port on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
    [ -n "$port" ] && return 0
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.05
  done
  fail "qftp-sim --rfc2217 names no port: $(cat "$log")"
}
stop_sim() { # log-name: stops it and checks it leaked no descriptor
  stop "$sim_pid"; sim_pid=''
  grep -Eq 'descriptors open: ([0-9]+) at start, \1 at exit' "$w/$1.log" ||
    fail "$1: $(grep 'descriptors open' "$w/$1.log" || echo 'no exit line')"
}

# The FTP servers get a loopback address of their own: the per-case capture
# ("host ADDR") must not see the RFC 2217 connection on 127.0.0.1.
srv_addr="127.78.$(( $$ / 254 % 256 )).$(( $$ % 254 + 1 ))"
run() { # report-dir [args...]
  local rd=$1; shift
  "$bin" run "$home/cases" --device "rfc2217://127.0.0.1:$port" \
    --server-addr "$srv_addr" --time-scale "$scale" --filter tag:needs:dtr \
    --report-dir "$w/$rd" "$@" >"$w/$rd.out" 2>&1
}
verdict() { jq -r --arg id "$2" '.cases[] | select(.id == $id) | .verdict' "$w/$1/results.json"; }

# The needs:dtr cases the note profile runs, and which of them set AT&D0.
mapfile -t ids < <("$bin" list "$home/cases" --filter tag:needs:dtr | cut -f1)
[ "${#ids[@]}" -ge 5 ] || fail "only ${#ids[@]} needs:dtr cases: ${ids[*]}"
d0=()
for id in "${ids[@]}"; do
  f="$home/cases/${id%%.*}/${id#*.}.yaml"
  [ -f "$f" ] || fail "no file for $id"
  grep -q '^  - send: AT&D0$' "$f" && d0+=("$id")
done
[ "${#d0[@]}" -ge 1 ] || fail "no needs:dtr case sets AT&D0"

echo "== needs:dtr cases through rfc2217:// to qftp-sim --rfc2217"
start_sim sim
run r-dtr; rc=$?
cat "$w/r-dtr.out"
[ "$rc" -eq 0 ] || fail "exit status $rc, expected 0"
[ "$(jq -r .summary.total "$w/r-dtr/results.json")" = "${#ids[@]}" ] || fail "not every case ran"
for id in "${ids[@]}"; do
  v=$(verdict r-dtr "$id")
  [ "$v" = pass ] || fail "$id: $v ($(jq -r --arg id "$id" '.cases[] | select(.id == $id) | .reason' "$w/r-dtr/results.json"))"
done
grep -q 'rfc2217: client connected' "$w/sim.log" || fail "the harness never connected"
stop_sim sim

echo "== the same against --quirk ignore-dtr"
start_sim quirk --quirk ignore-dtr
run r-quirk; rc=$?
cat "$w/r-quirk.out"
[ "$rc" -eq 1 ] || fail "quirk: exit status $rc, expected 1 (cases fail)"
for id in "${ids[@]}"; do
  v=$(verdict r-quirk "$id")
  reason=$(jq -r --arg id "$id" '.cases[] | select(.id == $id) | .reason' "$w/r-quirk/results.json")
  if printf '%s\n' "${d0[@]}" | grep -qx "$id"; then
    [ "$v" = pass ] || fail "quirk: $id (AT&D0) did not pass: $v ($reason)"
  else
    [ "$v" = fail ] || fail "quirk: $id is $v, expected fail"
    grep -qF 'expected `OK`' <<<"$reason" || fail "quirk: $id fails for another reason: $reason"
  fi
done
stop_sim quirk
echo "dtr.sh: OK"
