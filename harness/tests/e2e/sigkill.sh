#!/usr/bin/env bash
# End-to-end: results.json survives a SIGKILL. The run is killed (-9) once
# its results.json holds at least 3 cases; the file must still parse, say
# the run had not finished ("interrupted", stop_reason "running") and hold
# every case whose console line said it finished, with that verdict. Once
# for a single run, once for -j 2 (the parent's file).
# usage: sigkill.sh HARNESS_BINARY OUT_DIR
set -uo pipefail
bin=$1 out=$2
fail() { echo "sigkill.sh: FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq is needed"

# kill_after_3 DIR ARGS...: starts the run in a process group of its own,
# waits (bounded) for 3 cases in DIR/results.json, kills the harness with
# SIGKILL, then what it started (nothing may outlive the test).
kill_after_3() {
  local dir=$1; shift
  rm -rf "$dir"
  mkdir -p "$dir"
  setsid "$bin" run "$@" --report-dir "$dir" >"$dir.stdout" 2>&1 &
  local h=$! n=0
  for _ in $(seq 1 1200); do
    n=$(jq '.cases | length' "$dir/results.json" 2>/dev/null || echo 0)
    [ "$n" -ge 3 ] && break
    kill -0 "$h" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$h" 2>/dev/null || fail "$dir: the run ended before it could be killed"
  [ "$n" -ge 3 ] || { kill -KILL -- -"$h"; fail "$dir: results.json never held 3 cases"; }
  kill -KILL "$h"
  wait "$h" 2>/dev/null
  sleep 0.2
  kill -KILL -- -"$h" 2>/dev/null # the simulator, servers, capture, workers
  sleep 0.2
}

# check DIR LINE-REGEX: every console line "... [ i/N] ID VERDICT ..." of
# the run is a case of results.json with that verdict.
check() {
  local dir=$1 re=$2 f=$1/results.json
  jq -e . "$f" >/dev/null || fail "$f does not parse"
  [ "$(jq -r .interrupted "$f")" = true ] || fail "$f: not marked interrupted"
  [ "$(jq -r .stop_reason "$f")" = running ] || fail "$f: stop_reason $(jq -r .stop_reason "$f")"
  jq -r .stop_detail "$f" | grep -q "had not finished" || fail "$f: stop_detail"
  local lines=0
  while read -r id verdict; do
    lines=$((lines + 1))
    got=$(jq -r --arg id "$id" '.cases[] | select(.id == $id) | .verdict' "$f")
    [ "$got" = "$verdict" ] || fail "$f: $id: console said $verdict, the file '$got'"
  done < <(sed -n "s/$re/\1 \2/p" "$dir.stdout")
  [ "$lines" -ge 1 ] || fail "$dir: no finished case on the console"
  echo "sigkill.sh: $dir: $lines finished case(s), all in results.json"
}

kill_after_3 "$out/single" --filter 'get.*,put.*'
check "$out/single" '^\[ *[0-9]*\/[0-9]*\] \([^ ]*\) *\([a-z]*\) .*'
# The case directories named by the file are there.
for d in $(jq -r '.cases[].dir' "$out/single/results.json"); do
  [ -f "$out/single/$d/transcript.txt" ] || fail "single: $d/transcript.txt missing"
done

kill_after_3 "$out/par" -j 2 --filter 'get.*,put.*'
check "$out/par" '^\[w[0-9]*\] \[ *[0-9]*\/[0-9]*\] \([^ ]*\) *\([a-z]*\) .*'
# While the run goes on, a case's folder is its worker's.
for d in $(jq -r '.cases[].dir' "$out/par/results.json"); do
  [ -f "$out/par/$d/transcript.txt" ] || fail "par: $d/transcript.txt missing"
done
echo "sigkill.sh: OK"
